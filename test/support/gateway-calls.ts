/**
 * Plain HTTP calls to a running gateway for the limits, budgets and spend tests: one chat completion with the
 * status, headers, error code and timing a test asserts on; creating and revoking service keys and reading spend
 * through the admin API. Every call is bounded by a timeout, so a hanging gateway fails the test instead of
 * stalling it.
 */
import { request } from 'undici';

const CALL_TIMEOUT_MS = 15_000;

export interface ChatAnswer {
  status: number;
  headers: Record<string, string>;
  /** The Gatehouse error code of a refusal (`x-gatehouse-error`); undefined on success. */
  errorCode: string | undefined;
  errorMessage: string | undefined;
  /** `x-gatehouse-cost` as a number (0 when absent). */
  costUsd: number;
  startedAt: number;
  ms: number;
}

/** One non-streamed chat completion with `Authorization: Bearer <apiKey>`. */
export async function chat(url: string, apiKey: string, body: Record<string, unknown>): Promise<ChatAnswer> {
  const startedAt = Date.now();
  const response = await request(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify(body),
    headersTimeout: CALL_TIMEOUT_MS,
    bodyTimeout: CALL_TIMEOUT_MS,
  });
  const text = await response.body.text();
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) if (typeof value === 'string') headers[name] = value;
  const error = response.statusCode === 200 ? undefined : (JSON.parse(text) as { error?: { message?: string } }).error;
  return {
    status: response.statusCode,
    headers,
    errorCode: headers['x-gatehouse-error'],
    errorMessage: error?.message,
    costUsd: Number(headers['x-gatehouse-cost'] ?? 0),
    startedAt,
    ms: Date.now() - startedAt,
  };
}

async function adminCall(url: string, adminKey: string, method: 'GET' | 'POST', path: string, body?: object): Promise<unknown> {
  const response = await request(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminKey}`, ...(body && { 'content-type': 'application/json' }) },
    ...(body && { body: JSON.stringify(body) }),
    headersTimeout: CALL_TIMEOUT_MS,
    bodyTimeout: CALL_TIMEOUT_MS,
  });
  const text = await response.body.text();
  if (response.statusCode >= 300) throw new Error(`${method} ${path} answered ${response.statusCode}: ${text}`);
  return JSON.parse(text);
}

/** Creates a service key acting for `ownerUser`; returns its id and the key itself. */
export async function createServiceKey(url: string, adminKey: string, ownerUser: string): Promise<{ id: string; key: string }> {
  const created = (await adminCall(url, adminKey, 'POST', '/admin/api/keys', { name: `key of ${ownerUser}`, owner_user: ownerUser })) as { id: string; key: string };
  return { id: created.id, key: created.key };
}

export async function revokeKey(url: string, adminKey: string, id: string): Promise<void> {
  await adminCall(url, adminKey, 'POST', `/admin/api/keys/${encodeURIComponent(id)}/revoke`);
}

export interface SpendRow {
  value: string;
  requests: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}

/** The current month's spend per user, from `GET /admin/api/spend?group_by=user`. */
export async function spendByUser(url: string, adminKey: string): Promise<SpendRow[]> {
  const list = (await adminCall(url, adminKey, 'GET', '/admin/api/spend?group_by=user')) as { data: SpendRow[] };
  return list.data;
}

/** Polls `read` until `done` holds for its value; rejects with the last value after `timeoutMs`. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
