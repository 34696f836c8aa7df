/**
 * The Anthropic SDK through the gateway to an Anthropic upstream: messages, streams, tools and the system prompt,
 * with the client's version and beta headers forwarded and fields the gateway does not know kept as sent.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicClient } from '../support/clients.js';
import { anthropicProvider, GATEWAY_KEY, UPSTREAM_KEY } from '../support/config.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { post } from '../support/raw-http.js';
import { AnthropicUpstream } from '../support/upstreams/anthropic-upstream.js';

let upstream: AnthropicUpstream;
let gw: TestGateway;
let client: Anthropic;

const WEATHER_TOOL = { name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] } };

beforeAll(async () => {
  upstream = await AnthropicUpstream.start();
  gw = await startTestGateway({
    providers: { claude: anthropicProvider(upstream) },
    models: [{ name: 'claude-test', deployments: [{ provider: 'claude', model: 'claude-upstream-1' }] }],
  });
  client = anthropicClient(gw);
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

describe('messages', () => {
  it('answers a message with a system prompt, sending the upstream its model and key', async () => {
    const message = await client.messages.create({ model: 'claude-test', max_tokens: 100, system: 'You are terse.', messages: [{ role: 'user', content: 'hi' }] });
    expect(message.content).toEqual([{ type: 'text', text: 'Hello! You said: hi' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage).toMatchObject({ input_tokens: 21, output_tokens: 9 });
    const received = upstream.last!;
    expect(received.path).toBe('/v1/messages');
    expect(received.body).toEqual({ model: 'claude-upstream-1', max_tokens: 100, system: 'You are terse.', messages: [{ role: 'user', content: 'hi' }] });
    expect(received.headers['x-api-key']).toBe(UPSTREAM_KEY);
  });

  it('streams with messages.stream() and assembles the final message', async () => {
    const stream = client.messages.stream({ model: 'claude-test', max_tokens: 100, messages: [{ role: 'user', content: 'stream it' }] });
    const deltas: string[] = [];
    stream.on('text', (text) => deltas.push(text));
    const final = await stream.finalMessage();
    expect(deltas.join('')).toBe('Hello! You said: stream it');
    expect(deltas.length).toBeGreaterThan(1);
    expect(final.content).toHaveLength(1);
    expect(final.content[0]).toMatchObject({ type: 'text', text: 'Hello! You said: stream it' });
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBe(9);
    expect(final.usage.input_tokens).toBe(21);
  });

  it('round-trips a tool use and its result, streamed', async () => {
    const first = await client.messages.stream({ model: 'claude-test', max_tokens: 100, tools: [WEATHER_TOOL], messages: [{ role: 'user', content: 'weather in Paris?' }] }).finalMessage();
    expect(first.stop_reason).toBe('tool_use');
    const toolUse = first.content.find((block) => block.type === 'tool_use');
    expect(toolUse).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'Paris' } });
    expect(upstream.last?.body?.tools).toEqual([WEATHER_TOOL]);

    const second = await client.messages.create({
      model: 'claude-test',
      max_tokens: 100,
      tools: [WEATHER_TOOL],
      messages: [
        { role: 'user', content: 'weather in Paris?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse!.type === 'tool_use' ? toolUse!.id : '', content: 'sunny, 24C' }] },
      ],
    });
    expect(second.content).toEqual([{ type: 'text', text: 'Tool said: sunny, 24C' }]);
  });

  it('forwards anthropic-version and anthropic-beta from the client', async () => {
    const beta = anthropicClient(gw, { headers: { 'anthropic-version': '2023-01-01', 'anthropic-beta': 'prompt-caching-2024-07-31,output-128k-2025-02-19' } });
    await beta.messages.create({ model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    const headers = upstream.last!.headers;
    expect(headers['anthropic-beta']).toBe('prompt-caching-2024-07-31,output-128k-2025-02-19');
    expect(headers['anthropic-version']).toBe('2023-01-01');
  });

  it('sends its own anthropic-version when the client sent none', async () => {
    const response = await post(`${gw.url}/v1/messages`, { model: 'claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }, { 'x-api-key': GATEWAY_KEY });
    expect(response.status).toBe(200);
    expect(upstream.last!.headers['anthropic-version']).toBe('2023-06-01');
    expect(upstream.last!.headers['anthropic-beta']).toBeUndefined();
  });

  it('keeps fields it does not know, exactly as sent', async () => {
    const body = {
      model: 'claude-test',
      max_tokens: 64,
      messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'cached', cache_control: { type: 'ephemeral' as const } }] }],
      thinking: { type: 'enabled' as const, budget_tokens: 1024 },
      metadata: { user_id: 'u-1' },
      top_k: 5,
      service_tier: 'auto' as const,
      x_future_field: { anything: ['goes', 1, null] },
    };
    await client.messages.create(body as Anthropic.MessageCreateParamsNonStreaming);
    expect(upstream.last?.body).toEqual({ ...body, model: 'claude-upstream-1' });
  });
});
