import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../../../src/errors.js';
import { openaiChatToAnthropicRequest } from '../../../src/llm/translate/index.js';
import type { JsonObject } from '../../../src/llm/types.js';

const MODEL = 'claude-sonnet-4-5-20250929';
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const WEATHER_SCHEMA = { type: 'object', properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['location'] };

function translate(body: JsonObject): JsonObject {
  return openaiChatToAnthropicRequest(body, MODEL);
}

function rejection(body: JsonObject): GatehouseError {
  try {
    translate(body);
  } catch (error) {
    if (error instanceof GatehouseError) return error;
    throw error;
  }
  throw new Error('expected the translation to reject the request');
}

describe('openaiChatToAnthropicRequest', () => {
  it('translates a plain chat with a system prompt, defaulting max_tokens', () => {
    expect(
      translate({
        model: 'gpt-4o',
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'user', content: 'Hello' },
        ],
      }),
    ).toEqual({
      model: MODEL,
      max_tokens: 4096,
      system: 'You are terse.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
    });
  });

  it('translates a multi-turn chat with sampling options, stop, stream and user', () => {
    expect(
      translate({
        model: 'gpt-4o',
        messages: [
          { role: 'developer', content: [{ type: 'text', text: 'Rule one.' }] },
          { role: 'system', content: 'Rule two.' },
          { role: 'user', content: 'Name a colour.', name: 'alice' },
          { role: 'assistant', content: 'Blue.' },
          { role: 'user', content: [{ type: 'text', text: 'Another?' }] },
        ],
        max_tokens: 100,
        max_completion_tokens: 200,
        temperature: 1.4,
        top_p: 0.9,
        stop: '###',
        stream: true,
        stream_options: { include_usage: true },
        user: 'user-42',
        seed: 7,
        presence_penalty: 0.5,
        frequency_penalty: 0.5,
        logit_bias: { '50256': -100 },
      }),
    ).toEqual({
      model: MODEL,
      max_tokens: 200,
      system: 'Rule one.\n\nRule two.',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Name a colour.' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Blue.' }] },
        { role: 'user', content: [{ type: 'text', text: 'Another?' }] },
      ],
      temperature: 1,
      top_p: 0.9,
      stop_sequences: ['###'],
      stream: true,
      metadata: { user_id: 'user-42' },
    });
  });

  it('translates images: data URLs to base64 sources, http(s) URLs to url sources', () => {
    const result = translate({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare these.' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}`, detail: 'high' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
      stop: ['END', 'STOP'],
    });
    expect(result).toEqual({
      model: MODEL,
      max_tokens: 4096,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare these.' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
      stop_sequences: ['END', 'STOP'],
    });
  });

  it('translates tools, tool calls and tool results, merging the results into one user turn', () => {
    const result = translate({
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } },
            { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Rome","unit":"celsius"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18°C, cloudy' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '24°C, sunny' }] },
        { role: 'user', content: 'Which is warmer?' },
      ],
      tools: [
        { type: 'function', function: { name: 'get_weather', description: 'Current weather for a city', parameters: WEATHER_SCHEMA, strict: true } },
        { type: 'function', function: { name: 'get_time' } },
      ],
      tool_choice: 'required',
      parallel_tool_calls: false,
    });
    expect(result).toEqual({
      model: MODEL,
      max_tokens: 4096,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { location: 'Paris' } },
            { type: 'tool_use', id: 'call_2', name: 'get_weather', input: { location: 'Rome', unit: 'celsius' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call_1', content: '18°C, cloudy' },
            { type: 'tool_result', tool_use_id: 'call_2', content: [{ type: 'text', text: '24°C, sunny' }] },
            { type: 'text', text: 'Which is warmer?' },
          ],
        },
      ],
      tools: [
        { name: 'get_weather', description: 'Current weather for a city', input_schema: WEATHER_SCHEMA },
        { name: 'get_time', input_schema: { type: 'object', properties: {} } },
      ],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
    });
  });

  it('keeps assistant text beside its tool calls and tolerates broken or empty arguments', () => {
    const result = translate({
      messages: [
        { role: 'user', content: 'Go' },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            { id: 'call_a', type: 'function', function: { name: 'ping', arguments: '' } },
            { id: 'call_b', type: 'function', function: { name: 'ping', arguments: '{"host": "exa' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_a', content: '' },
        { role: 'tool', tool_call_id: 'call_b', content: 'ok' },
      ],
    });
    expect(result.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Go' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'call_a', name: 'ping', input: {} },
          { type: 'tool_use', id: 'call_b', name: 'ping', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_a' },
          { type: 'tool_result', tool_use_id: 'call_b', content: 'ok' },
        ],
      },
    ]);
  });

  it('puts tool results first when a user message precedes them in one merged turn', () => {
    const result = translate({
      messages: [
        { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'user', content: 'Also, hurry.' },
        { role: 'tool', tool_call_id: 'c', content: 'done' },
      ],
    });
    expect(result.messages).toEqual([
      { role: 'assistant', content: [{ type: 'tool_use', id: 'c', name: 'f', input: {} }] },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'c', content: 'done' },
          { type: 'text', text: 'Also, hurry.' },
        ],
      },
    ]);
  });

  it.each([
    ['auto', { type: 'auto' }],
    ['none', { type: 'none' }],
    ['required', { type: 'any' }],
    [{ type: 'function', function: { name: 'get_time' } }, { type: 'tool', name: 'get_time' }],
  ] as const)('maps tool_choice %j', (choice, expected) => {
    const result = translate({ messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: 'get_time' } }], tool_choice: choice });
    expect(result.tool_choice).toEqual(expected);
  });

  it('drops tool_choice when no tools are offered', () => {
    expect(translate({ messages: [{ role: 'user', content: 'x' }], tool_choice: 'required' })).not.toHaveProperty('tool_choice');
  });

  it('carries cache_control, keeping the system prompt as blocks when it has one', () => {
    const result = translate({
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Long reference text.', cache_control: { type: 'ephemeral' } }] },
        { role: 'user', content: [{ type: 'text', text: 'Q', cache_control: { type: 'ephemeral' } }] },
      ],
    });
    expect(result.system).toEqual([{ type: 'text', text: 'Long reference text.', cache_control: { type: 'ephemeral' } }]);
    expect(result.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Q', cache_control: { type: 'ephemeral' } }] }]);
  });

  it('expresses response_format as a system instruction carrying the schema', () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
    const result = translate({
      messages: [
        { role: 'system', content: 'Be helpful.' },
        { role: 'user', content: 'Q' },
      ],
      response_format: { type: 'json_schema', json_schema: { name: 'reply', schema, strict: true } },
    });
    expect(result.system).toBe(`Be helpful.\n\nRespond with a single valid JSON value that conforms to this JSON Schema, and nothing else:\n${JSON.stringify(schema)}`);
    expect(translate({ messages: [{ role: 'user', content: 'Q' }], response_format: { type: 'json_object' } }).system).toBe('Respond with a single valid JSON object and nothing else.');
    expect(translate({ messages: [{ role: 'user', content: 'Q' }], response_format: { type: 'text' } })).not.toHaveProperty('system');
  });

  it('translates an inline PDF file part to a document block', () => {
    const result = translate({ messages: [{ role: 'user', content: [{ type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0x' } }] }] });
    expect(result.messages).toEqual([{ role: 'user', content: [{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0x' } }] }]);
  });

  it.each([
    ['n > 1', { messages: [{ role: 'user', content: 'x' }], n: 2 }, 'n'],
    ['audio input', { messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAA', format: 'wav' } }] }] }, 'messages[0].content[0].type'],
    ['an uploaded file id', { messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-1' } }] }] }, 'messages[0].content[0].file'],
    ['an image that is not a URL', { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }] }] }, 'messages[0].content[0].image_url.url'],
    ['the deprecated function role', { messages: [{ role: 'function', name: 'f', content: '1' }] }, 'messages[0].role'],
    ['a tool message without tool_call_id', { messages: [{ role: 'tool', content: '1' }] }, 'messages[0].tool_call_id'],
    ['a non-function tool', { messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'custom', custom: { name: 'x' } }] }, 'tools[0]'],
    ['missing messages', {}, 'messages'],
  ] satisfies [string, JsonObject, string][])('rejects %s with a 400 naming the field', (_name, body, param) => {
    const error = rejection(body);
    expect(error.code).toBe('GH_ERR_BAD_REQUEST');
    expect(error.param).toBe(param);
  });
});
