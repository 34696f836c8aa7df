import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { SseParser } from '../../src/llm/sse.js';
import type { JsonObject } from '../../src/llm/types.js';
import { createMockProvider } from '../../src/providers/mock/index.js';
import type { UpstreamRequest } from '../../src/providers/types.js';

function mock(raw: object = {}) {
  return createMockProvider('mock', configSchema.parse({ providers: { mock: { type: 'mock', ...raw } } }).providers.mock!);
}

function call(endpoint: UpstreamRequest['endpoint'], body: JsonObject, stream = false, signal = new AbortController().signal): UpstreamRequest {
  return { endpoint, model: 'mock-1', body: { ...body, model: 'mock-1' }, stream, headers: {}, signal, firstByteTimeoutMs: 1000 };
}

async function events(request: UpstreamRequest, provider = mock()): Promise<JsonObject[]> {
  const response = await provider.send(request);
  const parser = new SseParser();
  const out: JsonObject[] = [];
  for await (const chunk of response.body) for (const event of parser.push(chunk)) if (event.data !== '[DONE]') out.push(JSON.parse(event.data) as JsonObject);
  return out;
}

describe('mock provider', () => {
  it('echoes the last user message with usage', async () => {
    const response = await mock().send(call('chat', { messages: [{ role: 'system', content: 'be nice' }, { role: 'user', content: 'hello mock' }] }));
    const body = JSON.parse(await response.body.text());
    expect(body.choices[0].message.content).toBe('You said: hello mock');
    expect(body.choices[0].finish_reason).toBe('stop');
    expect(body.usage.completion_tokens).toBeGreaterThan(0);
    expect(body.model).toBe('mock-1');
  });

  it('calls the offered tool with arguments that fit its schema', async () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city', 'days'] } } }];
    const body = JSON.parse(await (await mock().send(call('chat', { messages: [{ role: 'user', content: 'Paris' }], tools }))).body.text());
    expect(body.choices[0].finish_reason).toBe('tool_calls');
    expect(body.choices[0].message.tool_calls[0].function).toEqual({ name: 'get_weather', arguments: JSON.stringify({ city: 'Paris', days: 1 }) });
  });

  it('answers a tool result with text', async () => {
    const messages = [{ role: 'user', content: 'x' }, { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] }, { role: 'tool', tool_call_id: 'c', content: 'sunny' }];
    const body = JSON.parse(await (await mock().send(call('chat', { messages, tools: [{ type: 'function', function: { name: 'f' } }] }))).body.text());
    expect(body.choices[0].message.content).toBe('Tool result received: sunny');
  });

  it('streams chunks that add up to the reply, with usage only when asked', async () => {
    const request = call('chat', { messages: [{ role: 'user', content: 'stream this please' }], stream: true }, true);
    const plain = await events(request);
    expect(plain.map((c) => ((c.choices as JsonObject[])[0]?.delta as JsonObject | undefined)?.content ?? '').join('')).toBe('You said: stream this please');
    expect(plain.some((c) => c.usage)).toBe(false);
    const withUsage = await events(call('chat', { messages: [{ role: 'user', content: 'x' }], stream: true, stream_options: { include_usage: true } }, true));
    expect(withUsage.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: expect.any(Number) } });
  });

  it('makes deterministic unit embeddings, float or base64', async () => {
    const float = JSON.parse(await (await mock().send(call('embeddings', { input: ['a', 'b'], dimensions: 8 }))).body.text());
    expect(float.data).toHaveLength(2);
    const vector = float.data[0].embedding as number[];
    expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    const again = JSON.parse(await (await mock().send(call('embeddings', { input: ['a'], dimensions: 8 }))).body.text());
    expect(again.data[0].embedding).toEqual(vector);
    const base64 = JSON.parse(await (await mock().send(call('embeddings', { input: 'a', dimensions: 8, encoding_format: 'base64' }))).body.text());
    const decoded = Array.from(new Float32Array(Uint8Array.from(Buffer.from(base64.data[0].embedding, 'base64')).buffer));
    decoded.forEach((value, i) => expect(value).toBeCloseTo(vector[i]!, 5));
  });

  it('waits its configured latency and can be aborted meanwhile', async () => {
    const provider = mock({ latency: '200ms' });
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(new Error('gone')), 20);
    await expect(provider.send(call('chat', { messages: [{ role: 'user', content: 'x' }] }, false, controller.signal))).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(190);
  });
});
