import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { GatehouseError } from '../../src/errors.js';
import { createMockProvider } from '../../src/providers/mock/index.js';
import { checkUpstreamStatus } from '../../src/providers/status.js';
import type { UpstreamResponse } from '../../src/providers/types.js';
import { UpstreamFailure } from '../../src/providers/upstream-failure.js';

const SECRET = 'sk-upstream-SECRET-123456';
const provider = createMockProvider('up', configSchema.parse({ providers: { up: { type: 'mock', api_key: SECRET } } }).providers.up!);

function response(status: number, body: string, headers: Record<string, string> = {}): UpstreamResponse {
  const bytes = new TextEncoder().encode(body);
  return {
    status,
    headers,
    body: {
      async *[Symbol.asyncIterator]() {
        yield bytes;
      },
      text: async () => body,
      dump: async () => {},
    },
  };
}

async function outcome(r: UpstreamResponse): Promise<unknown> {
  try {
    await checkUpstreamStatus(r, provider);
    return 'ok';
  } catch (error) {
    return error;
  }
}

describe('checkUpstreamStatus', () => {
  it('lets 2xx through', async () => {
    expect(await outcome(response(200, '{}'))).toBe('ok');
  });

  it.each([500, 502, 503, 408])('%i is a retryable failure', async (status) => {
    const error = await outcome(response(status, 'oops'));
    expect(error).toBeInstanceOf(UpstreamFailure);
    expect(error).toMatchObject({ kind: 'status', status });
  });

  it('429 carries retry-after to the router', async () => {
    expect(await outcome(response(429, '{}', { 'retry-after': '3' }))).toMatchObject({ kind: 'status', status: 429, retryAfterMs: 3000 });
    expect(await outcome(response(429, '{}', { 'retry-after-ms': '150' }))).toMatchObject({ retryAfterMs: 150 });
  });

  it('401/403 become a gateway-side error that says nothing of the upstream body', async () => {
    const error = await outcome(response(401, JSON.stringify({ error: { message: `Incorrect API key provided: ${SECRET}` } })));
    expect(error).toBeInstanceOf(GatehouseError);
    expect(error).toMatchObject({ code: 'GH_ERR_UPSTREAM_AUTH', status: 502 });
    expect((error as Error).message).not.toContain(SECRET);
  });

  it('400 passes the upstream message on, with secrets and key-shaped tokens removed', async () => {
    const body = JSON.stringify({ error: { message: `context too long for key ${SECRET} (also sk-proj-abc123****wxyz)`, type: 'invalid_request_error' } });
    const error = (await outcome(response(400, body))) as GatehouseError;
    expect(error.code).toBe('GH_ERR_UPSTREAM_REJECTED');
    expect(error.message).toContain('context too long');
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain('sk-proj');
  });

  it('an Anthropic-shaped error body is read too', async () => {
    const error = (await outcome(response(422, JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: too big' } })))) as GatehouseError;
    expect(error.message).toContain('max_tokens: too big');
  });

  it('other statuses are a plain upstream error', async () => {
    expect(await outcome(response(404, 'Not Found'))).toMatchObject({ code: 'GH_ERR_UPSTREAM_ERROR', status: 502 });
  });
});
