/**
 * Stream usage: the gateway always asks OpenAI-compatible upstreams for the final usage chunk (it needs the tokens
 * for accounting), but a client sees that chunk only when it asked for it itself. Checked on the raw SSE frames,
 * which an SDK would hide.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicProvider, openaiProvider } from '../support/config.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { post, sseData, sseEvents } from '../support/raw-http.js';
import { AnthropicUpstream } from '../support/upstreams/anthropic-upstream.js';
import { OpenaiUpstream } from '../support/upstreams/openai-upstream.js';

let gpt: OpenaiUpstream;
let claude: AnthropicUpstream;
let gw: TestGateway;

beforeAll(async () => {
  [gpt, claude] = await Promise.all([OpenaiUpstream.start(), AnthropicUpstream.start()]);
  gw = await startTestGateway({
    providers: { gpt: openaiProvider(gpt), claude: anthropicProvider(claude) },
    models: [
      { name: 'gpt', deployments: [{ provider: 'gpt', model: 'gpt-upstream' }] },
      { name: 'claude', deployments: [{ provider: 'claude', model: 'claude-upstream' }] },
    ],
  });
});

afterAll(async () => {
  await gw?.close();
  await Promise.all([gpt?.close(), claude?.close()]);
});

function streamRequest(model: string, extra: Record<string, unknown> = {}) {
  return post(`${gw.url}/v1/chat/completions`, { model, stream: true, messages: [{ role: 'user', content: 'count tokens' }], ...extra });
}

/** Chunks that carry usage (an object, not the `usage: null` marker) or that have no choices (the usage chunk). */
function usageChunks(text: string) {
  return sseData(text).filter((chunk) => (typeof chunk.usage === 'object' && chunk.usage !== null) || (Array.isArray(chunk.choices) && chunk.choices.length === 0));
}

describe('OpenAI-compatible upstream', () => {
  it('asks the upstream for usage but hides the usage chunk from a client that did not ask', async () => {
    const response = await streamRequest('gpt');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(gpt.last?.body?.stream_options).toEqual({ include_usage: true });
    expect(usageChunks(response.text)).toEqual([]);
    expect(sseData(response.text).map((chunk) => (chunk.choices as Array<{ delta: { content?: string } }>)[0]?.delta.content ?? '').join('')).toBe('Hello! You said: count tokens');
    expect(sseEvents(response.text).at(-1)?.data).toBe('[DONE]');
    // The gateway still accounted the tokens it hid.
    const requestId = response.headers.get('x-request-id');
    const records = await gw.waitForUsage((rows) => rows.some((row) => row.requestId === requestId));
    expect(records.find((row) => row.requestId === requestId)).toMatchObject({ stream: true, inputTokens: 12, outputTokens: 5 });
  });

  it('hides it as well when the client explicitly said include_usage: false', async () => {
    const response = await streamRequest('gpt', { stream_options: { include_usage: false } });
    expect(gpt.last?.body?.stream_options).toEqual({ include_usage: true });
    expect(usageChunks(response.text)).toEqual([]);
  });

  it('passes the usage chunk to a client that asked for it', async () => {
    const response = await streamRequest('gpt', { stream_options: { include_usage: true } });
    const chunks = usageChunks(response.text);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatchObject({ choices: [], usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 } });
    expect(sseEvents(response.text).at(-1)?.data).toBe('[DONE]');
  });
});

describe('Anthropic upstream behind the OpenAI dialect', () => {
  it('sends no usage chunk unless asked', async () => {
    const response = await streamRequest('claude');
    expect(response.status).toBe(200);
    expect(usageChunks(response.text)).toEqual([]);
    expect(sseEvents(response.text).at(-1)?.data).toBe('[DONE]');
  });

  it('sends the usage chunk when asked', async () => {
    const response = await streamRequest('claude', { stream_options: { include_usage: true } });
    const chunks = usageChunks(response.text);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatchObject({ choices: [], usage: { prompt_tokens: 21, completion_tokens: 9 } });
  });
});
