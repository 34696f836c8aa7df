/**
 * Cross-dialect traffic: the OpenAI SDK served by an Anthropic upstream, and the Anthropic SDK served by an
 * OpenAI-compatible one. Each test checks both sides: what the upstream received (the translated request) and
 * what the SDK handed back (the translated response or stream).
 */
import type Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicClient, openaiClient } from '../support/clients.js';
import { anthropicProvider, openaiProvider } from '../support/config.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { AnthropicUpstream } from '../support/upstreams/anthropic-upstream.js';
import { OpenaiUpstream } from '../support/upstreams/openai-upstream.js';
import { TOOL_ARGUMENTS } from '../support/upstreams/reply-parts.js';

let claude: AnthropicUpstream;
let gpt: OpenaiUpstream;
let gw: TestGateway;
let openai: OpenAI;
let anthropic: Anthropic;

const PARAMETERS = { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] };
const OPENAI_TOOL = { type: 'function' as const, function: { name: 'get_weather', description: 'Weather for a city', parameters: PARAMETERS } };
const ANTHROPIC_TOOL = { name: 'get_weather', description: 'Weather for a city', input_schema: PARAMETERS };

beforeAll(async () => {
  [claude, gpt] = await Promise.all([AnthropicUpstream.start(), OpenaiUpstream.start()]);
  gw = await startTestGateway({
    providers: { claude: anthropicProvider(claude), gpt: openaiProvider(gpt) },
    models: [
      { name: 'claude-via-openai', deployments: [{ provider: 'claude', model: 'claude-upstream' }] },
      { name: 'gpt-via-anthropic', deployments: [{ provider: 'gpt', model: 'gpt-upstream' }] },
    ],
  });
  openai = openaiClient(gw);
  anthropic = anthropicClient(gw);
});

afterAll(async () => {
  await gw?.close();
  await Promise.all([claude?.close(), gpt?.close()]);
});

describe('OpenAI SDK → Anthropic upstream', () => {
  it('translates a chat into a Messages request and the answer back', async () => {
    const completion = await openai.chat.completions.create({
      model: 'claude-via-openai',
      max_tokens: 200,
      temperature: 1.5,
      stop: 'END',
      messages: [
        { role: 'system', content: 'be terse' },
        { role: 'user', content: 'hi' },
      ],
    });
    expect(claude.last?.path).toBe('/v1/messages');
    expect(claude.last?.body).toEqual({
      model: 'claude-upstream',
      max_tokens: 200,
      system: 'be terse',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      temperature: 1,
      stop_sequences: ['END'],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('claude-via-openai');
    expect(completion.choices[0]?.message).toMatchObject({ role: 'assistant', content: 'Hello! You said: hi' });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 21, completion_tokens: 9, total_tokens: 30 });
  });

  it('maps max_tokens to finish_reason "length"', async () => {
    const completion = await openai.chat.completions.create({ model: 'claude-via-openai', max_tokens: 1, messages: [{ role: 'user', content: 'long story' }] });
    expect(claude.last?.body?.max_tokens).toBe(1);
    expect(completion.choices[0]?.finish_reason).toBe('length');
  });

  it('translates tools, tool calls and tool results both ways', async () => {
    const first = await openai.chat.completions.create({ model: 'claude-via-openai', tools: [OPENAI_TOOL], tool_choice: 'required', messages: [{ role: 'user', content: 'weather?' }] });
    expect(claude.last?.body?.tools).toEqual([ANTHROPIC_TOOL]);
    expect(claude.last?.body?.tool_choice).toEqual({ type: 'any' });
    const message = first.choices[0]!.message;
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(message.content).toBe('Let me check.');
    expect(message.tool_calls).toEqual([{ id: 'toolu_up_1', type: 'function', function: { name: 'get_weather', arguments: TOOL_ARGUMENTS } }]);

    const second = await openai.chat.completions.create({
      model: 'claude-via-openai',
      tools: [OPENAI_TOOL],
      messages: [{ role: 'user', content: 'weather?' }, message, { role: 'tool', tool_call_id: 'toolu_up_1', content: 'sunny' }],
    });
    expect(claude.last?.body?.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'weather?' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Let me check.' }, { type: 'tool_use', id: 'toolu_up_1', name: 'get_weather', input: { city: 'Paris' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_up_1', content: 'sunny' }] },
    ]);
    expect(second.choices[0]?.message.content).toBe('Tool said: sunny');
  });

  it('streams text, tool-call deltas and the usage chunk the client asked for', async () => {
    const stream = await openai.chat.completions.create({ model: 'claude-via-openai', stream: true, stream_options: { include_usage: true }, tools: [OPENAI_TOOL], messages: [{ role: 'user', content: 'weather?' }] });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(claude.last?.body?.stream).toBe(true);
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    const argumentPieces = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []).map((call) => call.function?.arguments ?? '');
    expect(text).toBe('Let me check.');
    expect(argumentPieces.join('')).toBe(TOOL_ARGUMENTS);
    expect(argumentPieces.filter((piece) => piece !== '').length).toBeGreaterThan(1);
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason).filter(Boolean)).toEqual(['tool_calls']);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: 21, completion_tokens: 9 });
  });

  it('lets the SDK assemble a streamed tool call', async () => {
    const final = await openai.chat.completions.stream({ model: 'claude-via-openai', tools: [OPENAI_TOOL], messages: [{ role: 'user', content: 'weather?' }] }).finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function).toEqual({ name: 'get_weather', arguments: TOOL_ARGUMENTS });
    expect(final.choices[0]?.message.content).toBe('Let me check.');
  });
});

describe('Anthropic SDK → OpenAI upstream', () => {
  it('translates a Messages request into a chat and the answer back', async () => {
    const message = await anthropic.messages.create({ model: 'gpt-via-anthropic', max_tokens: 100, system: 'be terse', stop_sequences: ['END'], messages: [{ role: 'user', content: 'hi' }] });
    expect(gpt.last?.path).toBe('/v1/chat/completions');
    expect(gpt.last?.body).toEqual({
      model: 'gpt-upstream',
      max_tokens: 100,
      stop: ['END'],
      messages: [
        { role: 'system', content: 'be terse' },
        { role: 'user', content: 'hi' },
      ],
    });
    expect(message.type).toBe('message');
    expect(message.model).toBe('gpt-via-anthropic');
    expect(message.content).toEqual([{ type: 'text', text: 'Hello! You said: hi' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage).toMatchObject({ input_tokens: 12, output_tokens: 5 });
  });

  it('maps finish_reason "length" to stop_reason "max_tokens"', async () => {
    const message = await anthropic.messages.create({ model: 'gpt-via-anthropic', max_tokens: 1, messages: [{ role: 'user', content: 'long story' }] });
    expect(message.stop_reason).toBe('max_tokens');
  });

  it('translates tools, tool uses and tool results both ways', async () => {
    const first = await anthropic.messages.create({ model: 'gpt-via-anthropic', max_tokens: 100, tools: [ANTHROPIC_TOOL], tool_choice: { type: 'tool', name: 'get_weather' }, messages: [{ role: 'user', content: 'weather?' }] });
    expect(gpt.last?.body?.tools).toEqual([OPENAI_TOOL]);
    expect(gpt.last?.body?.tool_choice).toEqual({ type: 'function', function: { name: 'get_weather' } });
    expect(first.stop_reason).toBe('tool_use');
    expect(first.content).toEqual([{ type: 'tool_use', id: 'call_up_1', name: 'get_weather', input: { city: 'Paris' } }]);

    const second = await anthropic.messages.create({
      model: 'gpt-via-anthropic',
      max_tokens: 100,
      tools: [ANTHROPIC_TOOL],
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_up_1', content: 'sunny' }] },
      ],
    });
    expect(gpt.last?.body?.messages).toEqual([
      { role: 'user', content: 'weather?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_up_1', type: 'function', function: { name: 'get_weather', arguments: TOOL_ARGUMENTS } }] },
      { role: 'tool', tool_call_id: 'call_up_1', content: 'sunny' },
    ]);
    expect(second.content).toEqual([{ type: 'text', text: 'Tool said: sunny' }]);
  });

  it('streams text with usage, asking the upstream for include_usage', async () => {
    const stream = anthropic.messages.stream({ model: 'gpt-via-anthropic', max_tokens: 100, messages: [{ role: 'user', content: 'stream it' }] });
    const deltas: string[] = [];
    stream.on('text', (text) => deltas.push(text));
    const final = await stream.finalMessage();
    expect(gpt.last?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(deltas.join('')).toBe('Hello! You said: stream it');
    expect(final.content).toHaveLength(1);
    expect(final.content[0]).toMatchObject({ type: 'text', text: 'Hello! You said: stream it' });
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage).toMatchObject({ input_tokens: 12, output_tokens: 5 });
  });

  it('streams tool-call deltas as input_json_delta pieces', async () => {
    const stream = anthropic.messages.stream({ model: 'gpt-via-anthropic', max_tokens: 100, tools: [ANTHROPIC_TOOL], messages: [{ role: 'user', content: 'weather?' }] });
    const pieces: string[] = [];
    stream.on('inputJson', (partial) => pieces.push(partial));
    const final = await stream.finalMessage();
    expect(pieces.join('')).toBe(TOOL_ARGUMENTS);
    expect(pieces.length).toBeGreaterThan(1);
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content).toHaveLength(1);
    expect(final.content[0]).toMatchObject({ type: 'tool_use', id: 'call_up_1', name: 'get_weather', input: { city: 'Paris' } });
  });
});
