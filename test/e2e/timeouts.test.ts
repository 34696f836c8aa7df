/**
 * Timeouts: an upstream that never sends its headers hits the first-byte timeout on every attempt and the client
 * gets a 504; a deployment's total timeout cuts a slow answer short, before or after its first byte (a stream that
 * already started is ended with an error event, never retried).
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openaiClient } from '../support/clients.js';
import { openaiProvider } from '../support/config.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { post, sseData } from '../support/raw-http.js';
import { OpenaiUpstream } from '../support/upstreams/openai-upstream.js';

let hanging: OpenaiUpstream;
let slow: OpenaiUpstream;
let gw: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  [hanging, slow] = await Promise.all([OpenaiUpstream.start(), OpenaiUpstream.start()]);
  hanging.always({ kind: 'hang' });
  gw = await startTestGateway({
    providers: { hanging: openaiProvider(hanging), slow: openaiProvider(slow) },
    models: [
      { name: 'never-answers', deployments: [{ provider: 'hanging', model: 'h' }] },
      { name: 'slow-total', deployments: [{ provider: 'slow', model: 's', timeout: '300ms' }] },
      { name: 'slow-stream', deployments: [{ provider: 'slow', model: 'st', timeout: '800ms' }] },
    ],
    routing: { retries: 1, backoff: { initial: '10ms', max: '50ms' }, first_byte_timeout: '400ms', timeout: '30s', cooldown: { failures: 1000, for: '1s' } },
  });
  client = openaiClient(gw);
});

afterAll(async () => {
  await gw?.close();
  await Promise.all([hanging?.close(), slow?.close()]);
});

/** The `detail` of the gateway's "request failed" log line for this request. */
function failureDetail(requestId: string | null | undefined): string {
  const line = gw.logs.entries('request failed').find((entry) => entry.reqId === requestId);
  return String(line?.detail ?? '');
}

describe('first-byte timeout', () => {
  it('answers 504 once every attempt timed out waiting for headers', async () => {
    const started = Date.now();
    const error = await client.chat.completions.create({ model: 'never-answers', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    const apiError = error as InstanceType<typeof OpenAI.InternalServerError>;
    expect(apiError.status).toBe(504);
    expect(apiError.error).toMatchObject({ type: 'api_error', code: 'gh_err_upstream_timeout' });
    expect(hanging.count).toBe(2);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(failureDetail(apiError.requestID)).toContain('first_byte_timeout');
  });
});

describe('total timeout', () => {
  it('gives up on an answer slower than the deployment timeout, before the first-byte timeout', async () => {
    slow.enqueue({ kind: 'delay', ms: 3000 }, { kind: 'delay', ms: 3000 });
    const error = await client.chat.completions.create({ model: 'slow-total', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    const apiError = error as InstanceType<typeof OpenAI.InternalServerError>;
    expect(apiError.status).toBe(504);
    expect(failureDetail(apiError.requestID)).toMatch(/: timeout/);
    expect(slow.requests.filter((request) => request.body?.model === 's')).toHaveLength(2);
  });

  it('ends a stream that outlives the timeout with an error event, without retrying it', async () => {
    slow.enqueue({ kind: 'slow', chunkDelayMs: 250 });
    const before = slow.count;
    const response = await post(`${gw.url}/v1/chat/completions`, { model: 'slow-stream', stream: true, messages: [{ role: 'user', content: 'a fairly long question' }] });
    expect(response.status).toBe(200);
    const chunks = sseData(response.text);
    const last = chunks.at(-1);
    expect(last).toMatchObject({ error: { type: 'api_error', code: 'gh_err_upstream_timeout' } });
    // Some content made it before the deadline.
    expect(chunks.length).toBeGreaterThan(1);
    expect(slow.count).toBe(before + 1);
  });
});
