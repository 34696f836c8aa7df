/**
 * What an upstream's non-2xx status means for the request: retry elsewhere (429, 5xx), a gateway
 * misconfiguration the client cannot fix (401/403: our credentials were refused), or the client's own mistake
 * (400/413/422), whose message is passed on — with every configured secret scrubbed from it.
 */
import { GatehouseError } from '../errors.js';
import type { Provider, UpstreamResponse } from './types.js';
import { retryAfterMs, UpstreamFailure } from './upstream-failure.js';

const MAX_ERROR_BODY = 64 * 1024;
const MAX_MESSAGE = 1000;
const CLIENT_FAULTS = new Set([400, 413, 422]);

/** Resolves for 2xx; otherwise consumes the body and throws an UpstreamFailure or a GatehouseError. */
export async function checkUpstreamStatus(response: UpstreamResponse, provider: Provider): Promise<void> {
  const { status } = response;
  if (status >= 200 && status < 300) return;
  const text = await readBounded(response);
  const summary = `upstream ${provider.name} answered ${status}`;
  if (status === 429 || status >= 500 || status === 408) {
    throw new UpstreamFailure('status', summary, { status, retryAfterMs: retryAfterMs(response.headers) });
  }
  if (status === 401 || status === 403) {
    throw new GatehouseError('GH_ERR_UPSTREAM_AUTH', undefined, { detail: `${summary}: the provider refused the gateway's credentials` });
  }
  if (CLIENT_FAULTS.has(status)) {
    const message = upstreamMessage(text, provider);
    throw new GatehouseError('GH_ERR_UPSTREAM_REJECTED', message ? `The model provider rejected the request: ${message}` : undefined, { detail: summary });
  }
  throw new GatehouseError('GH_ERR_UPSTREAM_ERROR', undefined, { detail: summary });
}

async function readBounded(response: UpstreamResponse): Promise<string> {
  let text = '';
  const decoder = new TextDecoder();
  try {
    for await (const chunk of response.body) {
      text += decoder.decode(chunk, { stream: true });
      if (text.length > MAX_ERROR_BODY) {
        await response.body.dump();
        break;
      }
    }
  } catch {
    // A broken error body changes nothing about the status.
  }
  return text;
}

/** The `error.message` of an OpenAI- or Anthropic-shaped error body, secrets removed, length bounded. */
function upstreamMessage(text: string, provider: Provider): string | undefined {
  let message: unknown;
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    message = typeof parsed.error === 'object' ? parsed.error?.message : (parsed.error ?? parsed.message);
  } catch {
    return undefined;
  }
  if (typeof message !== 'string' || message.length === 0) return undefined;
  return scrub(message, provider).slice(0, MAX_MESSAGE);
}

function scrub(message: string, provider: Provider): string {
  let out = message;
  for (const secret of [provider.config.api_key, ...Object.values(provider.config.headers)]) {
    if (secret && secret.length >= 8) out = out.split(secret).join('[redacted]');
  }
  // Key-shaped tokens the provider may echo back, even partially masked.
  return out.replace(/\b(sk|key|pk|rk)-[A-Za-z0-9_*-]{6,}/g, '[redacted]');
}
