/**
 * Streams that break after their first byte belong to the client: an upstream that dies mid-stream is not retried
 * (the client gets what arrived plus an error event in its dialect), and a client that hangs up mid-stream makes
 * the gateway abort its upstream request.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicClient, openaiClient } from '../support/clients.js';
import { anthropicProvider, GATEWAY_KEY, openaiProvider } from '../support/config.js';
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
    routing: { retries: 2, backoff: { initial: '10ms', max: '50ms' } },
  });
});

afterAll(async () => {
  await gw?.close();
  await Promise.all([gpt?.close(), claude?.close()]);
});

describe('upstream dies mid-stream', () => {
  it('OpenAI SDK: partial content, then an APIError; the upstream was called once', async () => {
    gpt.enqueue({ kind: 'cut', chunks: 3 });
    const before = gpt.count;
    const stream = await openaiClient(gw).chat.completions.create({ model: 'gpt', stream: true, messages: [{ role: 'user', content: 'tell me a story' }] });
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(text.length).toBeGreaterThan(0);
    expect('Hello! You said: tell me a story'.startsWith(text)).toBe(true);
    expect(text).not.toBe('Hello! You said: tell me a story');
    expect(gpt.count).toBe(before + 1);
  });

  it('raw OpenAI stream ends with an error frame and no [DONE]', async () => {
    gpt.enqueue({ kind: 'cut', chunks: 2 });
    const response = await post(`${gw.url}/v1/chat/completions`, { model: 'gpt', stream: true, messages: [{ role: 'user', content: 'x' }] });
    expect(response.status).toBe(200);
    const events = sseEvents(response.text);
    expect(events.map((event) => event.data)).not.toContain('[DONE]');
    expect(sseData(response.text).at(-1)).toMatchObject({ error: { type: 'api_error', code: 'gh_err_upstream_error' } });
  });

  it('Anthropic SDK: partial text, then an error event; the upstream was called once', async () => {
    claude.enqueue({ kind: 'cut', chunks: 4 });
    const before = claude.count;
    const stream = anthropicClient(gw).messages.stream({ model: 'claude', max_tokens: 100, messages: [{ role: 'user', content: 'tell me a story' }] });
    let text = '';
    stream.on('text', (delta) => (text += delta));
    const error = await stream.finalMessage().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'api_error' } });
    expect(text.length).toBeGreaterThan(0);
    expect('Hello! You said: tell me a story'.startsWith(text)).toBe(true);
    expect(claude.count).toBe(before + 1);
  });

  it('translated stream (OpenAI SDK, Anthropic upstream) ends with an error too', async () => {
    claude.enqueue({ kind: 'cut', chunks: 4 });
    const before = claude.count;
    const stream = await openaiClient(gw).chat.completions.create({ model: 'claude', stream: true, messages: [{ role: 'user', content: 'tell me a story' }] });
    const error = await (async () => {
      for await (const _chunk of stream) void _chunk;
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(claude.count).toBe(before + 1);
  });
});

describe('client disconnects mid-stream', () => {
  it('aborts the upstream request', async () => {
    gpt.enqueue({ kind: 'slow', chunkDelayMs: 300 });
    const controller = new AbortController();
    const response = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${GATEWAY_KEY}` },
      body: JSON.stringify({ model: 'gpt', stream: true, messages: [{ role: 'user', content: 'a very long story please' }] }),
      signal: controller.signal,
    });
    const requestId = response.headers.get('x-request-id');
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    controller.abort();

    const upstreamRequest = gpt.last!;
    const settled = await Promise.race([upstreamRequest.settled, new Promise((resolve) => setTimeout(() => resolve('still open'), 10_000))]);
    expect(settled).toBe('abandoned');
    const records = await gw.waitForUsage((rows) => rows.some((row) => row.requestId === requestId));
    expect(records.find((row) => row.requestId === requestId)).toMatchObject({ stream: true, errorCode: 'client_disconnected' });
  });
});
