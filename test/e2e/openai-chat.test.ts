/**
 * The OpenAI SDK through the gateway to OpenAI-compatible upstreams (plain and Azure): chat, streams, tools,
 * pass-through of every field, legacy completions, embeddings and the model list.
 */
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicClient, openaiClient } from '../support/clients.js';
import { openaiProvider, UPSTREAM_KEY } from '../support/config.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { EMBEDDING_VECTOR, OpenaiUpstream } from '../support/upstreams/openai-upstream.js';
import { TOOL_ARGUMENTS } from '../support/upstreams/reply-parts.js';

let upstream: OpenaiUpstream;
let azure: OpenaiUpstream;
let gw: TestGateway;
let client: OpenAI;

const WEATHER_TOOL = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

beforeAll(async () => {
  [upstream, azure] = await Promise.all([OpenaiUpstream.start(), OpenaiUpstream.start()]);
  gw = await startTestGateway({
    providers: {
      up: openaiProvider(upstream),
      az: { type: 'azure', base_url: azure.origin, api_key: UPSTREAM_KEY, api_version: '2024-10-21' },
    },
    models: [
      { name: 'gpt-test', description: 'The test chat model', deployments: [{ provider: 'up', model: 'upstream-gpt' }] },
      { name: 'embed-test', deployments: [{ provider: 'up', model: 'upstream-embed' }] },
      { name: 'azure-gpt', deployments: [{ provider: 'az', model: 'my-deployment' }] },
    ],
  });
  client = openaiClient(gw);
});

afterAll(async () => {
  await gw?.close();
  await Promise.all([upstream?.close(), azure?.close()]);
});

describe('chat completions', () => {
  it('answers a plain chat and sends the upstream its model name and key', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi there' }] });
    expect(completion.choices[0]?.message.content).toBe('Hello! You said: hi there');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 });
    const received = upstream.last!;
    expect(received.path).toBe('/v1/chat/completions');
    expect(received.body?.model).toBe('upstream-gpt');
    expect(received.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
  });

  it('streams a chat chunk by chunk', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'stream please' }], stream: true });
    const pieces: string[] = [];
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      pieces.push(chunk.choices[0]?.delta.content ?? '');
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(pieces.join('')).toBe('Hello! You said: stream please');
    expect(pieces.filter((piece) => piece !== '').length).toBeGreaterThan(1);
    expect(finish).toBe('stop');
  });

  it('round-trips a tool call and its result', async () => {
    const first = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'weather in Paris?' }], tools: [WEATHER_TOOL] });
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' && call.function).toEqual({ name: 'get_weather', arguments: TOOL_ARGUMENTS });
    expect(upstream.last?.body?.tools).toEqual([WEATHER_TOOL]);

    const second = await client.chat.completions.create({
      model: 'gpt-test',
      tools: [WEATHER_TOOL],
      messages: [
        { role: 'user', content: 'weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: call!.id, type: 'function', function: { name: 'get_weather', arguments: TOOL_ARGUMENTS } }] },
        { role: 'tool', tool_call_id: call!.id, content: 'sunny, 24C' },
      ],
    });
    expect(second.choices[0]?.message.content).toBe('Tool said: sunny, 24C');
    const sent = upstream.last?.body?.messages as Array<Record<string, unknown>>;
    expect(sent[2]).toEqual({ role: 'tool', tool_call_id: call!.id, content: 'sunny, 24C' });
  });

  it('streams tool-call deltas that the SDK assembles', async () => {
    const stream = client.chat.completions.stream({ model: 'gpt-test', messages: [{ role: 'user', content: 'weather?' }], tools: [WEATHER_TOOL] });
    const final = await stream.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    expect(call?.type === 'function' && call.function.arguments).toBe(TOOL_ARGUMENTS);
  });

  it('passes response_format, image parts, n, stop, temperature and unknown fields to the upstream untouched', async () => {
    const request = {
      model: 'gpt-test',
      messages: [
        { role: 'system' as const, content: 'be terse' },
        {
          role: 'user' as const,
          content: [
            { type: 'text' as const, text: 'what is in this image?' },
            { type: 'image_url' as const, image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' as const } },
          ],
        },
      ],
      response_format: { type: 'json_schema' as const, json_schema: { name: 'answer', schema: { type: 'object', properties: { a: { type: 'string' } } }, strict: true } },
      n: 2,
      stop: ['END', 'STOP'],
      temperature: 1.7,
      seed: 42,
      logit_bias: { '50256': -100 },
      x_vendor_extension: { nested: [1, 2, { deep: true }] },
    };
    const completion = await client.chat.completions.create(request as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(completion.choices).toHaveLength(2);
    const { model: _model, ...sentWithoutModel } = upstream.last!.body!;
    const { model: _asked, ...askedWithoutModel } = request;
    expect(sentWithoutModel).toEqual(askedWithoutModel);
  });
});

describe('other OpenAI endpoints', () => {
  it('serves legacy completions', async () => {
    const completion = await client.completions.create({ model: 'gpt-test', prompt: 'Once upon a time', max_tokens: 20 });
    expect(completion.choices[0]?.text).toBe(' completion of: Once upon a time');
    expect(upstream.last?.path).toBe('/v1/completions');
    expect(upstream.last?.body).toEqual({ model: 'upstream-gpt', prompt: 'Once upon a time', max_tokens: 20 });
  });

  it('serves float embeddings', async () => {
    const result = await client.embeddings.create({ model: 'embed-test', input: ['a', 'b'], encoding_format: 'float' });
    expect(result.data.map((item) => item.embedding)).toEqual([EMBEDDING_VECTOR, EMBEDDING_VECTOR]);
    expect(upstream.last?.body).toEqual({ model: 'upstream-embed', input: ['a', 'b'], encoding_format: 'float' });
  });

  it("serves base64 embeddings, the SDK's default, which the SDK decodes", async () => {
    const result = await client.embeddings.create({ model: 'embed-test', input: 'hello' });
    expect(upstream.last?.body?.encoding_format).toBe('base64');
    expect(result.data[0]?.embedding).toEqual(EMBEDDING_VECTOR);
  });
});

describe('models', () => {
  it('lists and retrieves models with the OpenAI SDK', async () => {
    const page = await client.models.list();
    expect(page.data.map((m) => m.id)).toEqual(['gpt-test', 'embed-test', 'azure-gpt']);
    expect(page.data[0]).toMatchObject({ object: 'model', owned_by: 'gatehouse' });
    const one = await client.models.retrieve('gpt-test');
    expect(one).toMatchObject({ id: 'gpt-test', object: 'model' });
    expect(typeof one.created).toBe('number');
  });

  it('lists and retrieves models with the Anthropic SDK', async () => {
    const anthropic = anthropicClient(gw);
    const ids: string[] = [];
    for await (const info of anthropic.models.list()) ids.push(info.id);
    expect(ids).toEqual(['gpt-test', 'embed-test', 'azure-gpt']);
    const one = await anthropic.models.retrieve('gpt-test');
    expect(one).toMatchObject({ id: 'gpt-test', type: 'model', display_name: 'The test chat model' });
    expect(Number.isNaN(Date.parse(one.created_at))).toBe(false);
  });

  it('answers 404 for a model it does not serve', async () => {
    await expect(client.models.retrieve('no-such-model')).rejects.toMatchObject({ status: 404 });
  });
});

describe('azure provider', () => {
  it('calls the deployment URL with the api-version and the api-key header', async () => {
    const completion = await client.chat.completions.create({ model: 'azure-gpt', messages: [{ role: 'user', content: 'hello azure' }] });
    expect(completion.choices[0]?.message.content).toBe('Hello! You said: hello azure');
    const received = azure.last!;
    expect(received.path).toBe('/openai/deployments/my-deployment/chat/completions');
    expect(received.query.get('api-version')).toBe('2024-10-21');
    expect(received.headers['api-key']).toBe(UPSTREAM_KEY);
    expect(received.headers.authorization).toBeUndefined();
  });
});
