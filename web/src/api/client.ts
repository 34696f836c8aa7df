/**
 * Every call the console makes goes through here. Calls that change state carry `X-Requested-By: gatehouse`,
 * which the gateway demands of cookie-authenticated writes (a cross-site form cannot send it). Errors come back
 * as ApiError holding the message the API wrote, so pages can show it as it is. A 401 means the session is gone:
 * the browser is sent to sign in and brought back to the page it was on.
 */

export const CSRF_HEADER = 'X-Requested-By';
export const CSRF_VALUE = 'gatehouse';
export const SIGN_IN_PATH = '/.gatehouse/sign_in';
export const SIGN_OUT_PATH = '/.gatehouse/sign_out';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Record<string, string | number | undefined>;

type WriteMethod = 'POST' | 'PATCH' | 'DELETE';

export function getJson<T>(path: string, query: Query = {}): Promise<T> {
  return call<T>('GET', withQuery(path, query));
}

export function sendJson<T>(method: WriteMethod, path: string, body?: unknown): Promise<T> {
  return call<T>(method, path, body);
}

/** The sign-in URL that returns to the page the browser is on now. */
export function signInUrl(location: Pick<Location, 'pathname' | 'search'> = window.location): string {
  return `${SIGN_IN_PATH}?return_to=${encodeURIComponent(location.pathname + location.search)}`;
}

export function withQuery(path: string, query: Query): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(name, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function call<T>(method: 'GET' | WriteMethod, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers[CSRF_HEADER] = CSRF_VALUE;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, { method, headers, credentials: 'same-origin', cache: 'no-store', ...(body !== undefined && { body: JSON.stringify(body) }) });
  } catch {
    throw new ApiError(0, 'The gateway could not be reached. Check your connection and try again.', null);
  }
  if (response.status === 401) {
    window.location.assign(signInUrl());
    throw new ApiError(401, 'Your session has ended; taking you to sign in…', 'sign_in_required');
  }
  const payload = await readJson(response);
  if (!response.ok) throw errorFrom(response, payload);
  return payload as T;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The API's `{ error: { message, code } }`, or a sentence naming the status when the body has none. */
function errorFrom(response: Response, payload: unknown): ApiError {
  const error = (payload as { error?: { message?: unknown; code?: unknown } } | undefined)?.error;
  const message = typeof error?.message === 'string' && error.message !== '' ? error.message : `The gateway answered ${response.status} ${response.statusText}`.trim() + '.';
  return new ApiError(response.status, message, typeof error?.code === 'string' ? error.code : null);
}
