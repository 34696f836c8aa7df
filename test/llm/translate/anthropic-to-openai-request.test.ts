import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../../../src/errors.js';
import { anthropicToOpenaiChatRequest } from '../../../src/llm/translate/index.js';
import type { JsonObject } from '../../../src/llm/types.js';

const MODEL = 'gpt-4o-2024-08-06';
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const WEATHER_SCHEMA = { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] };

function translate(body: JsonObject): JsonObject {
  return anthropicToOpenaiChatRequest(body, MODEL);
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

describe('anthropicToOpenaiChatRequest', () => {
  it('translates a plain message with a string system prompt', () => {
    expect(
      translate({
        model: 'claude-sonnet',
        max_tokens: 1024,
        system: 'You are terse.',
        messages: [{ role: 'user', content: 'Hello' }],
      }),
    ).toEqual({
      model: MODEL,
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Hello' },
      ],
      max_tokens: 1024,
    });
  });

  it('translates multi-turn text, system blocks, sampling, stop sequences, metadata and streaming', () => {
    expect(
      translate({
        model: 'claude-sonnet',
        max_tokens: 256,
        system: [
          { type: 'text', text: 'Rule one.', cache_control: { type: 'ephemeral' } },
          { type: 'text', text: 'Rule two.' },
        ],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Name a colour.' }] },
          { role: 'assistant', content: [{ type: 'text', text: 'Blue.' }] },
          { role: 'user', content: [{ type: 'text', text: 'Another' }, { type: 'text', text: 'please.' }] },
        ],
        temperature: 0.2,
        top_p: 0.95,
        top_k: 40,
        stop_sequences: ['###'],
        stream: true,
        metadata: { user_id: 'user-42' },
        thinking: { type: 'enabled', budget_tokens: 1024 },
      }),
    ).toEqual({
      model: MODEL,
      messages: [
        { role: 'system', content: 'Rule one.\n\nRule two.' },
        { role: 'user', content: 'Name a colour.' },
        { role: 'assistant', content: 'Blue.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Another' },
            { type: 'text', text: 'please.' },
          ],
        },
      ],
      max_tokens: 256,
      temperature: 0.2,
      top_p: 0.95,
      stop: ['###'],
      stream: true,
      stream_options: { include_usage: true },
      user: 'user-42',
    });
  });

  it('translates base64 and url images and documents', () => {
    const result = translate({
      max_tokens: 10,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
            { type: 'document', title: 'report.pdf', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0x' } },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'Plain notes.' } },
            { type: 'text', text: 'Summarise.' },
          ],
        },
      ],
    });
    expect(result.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
          { type: 'file', file: { filename: 'report.pdf', file_data: 'data:application/pdf;base64,JVBERi0x' } },
          { type: 'text', text: 'Plain notes.' },
          { type: 'text', text: 'Summarise.' },
        ],
      },
    ]);
  });

  it('translates tools, tool_use and tool_result, putting tool messages before the rest of the user turn', () => {
    const result = translate({
      max_tokens: 512,
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Two cities, two calls.', signature: 'sig' },
            { type: 'text', text: 'Checking both.' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { location: 'Paris' } },
            { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { location: 'Rome' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C, cloudy' },
            {
              type: 'tool_result',
              tool_use_id: 'toolu_2',
              is_error: false,
              content: [
                { type: 'text', text: '24°C' },
                { type: 'text', text: 'sunny' },
              ],
            },
            { type: 'text', text: 'Which is warmer?' },
          ],
        },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_3', name: 'get_time', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_3', content: '12:00' }] },
      ],
      tools: [
        { name: 'get_weather', description: 'Current weather for a city', input_schema: WEATHER_SCHEMA, cache_control: { type: 'ephemeral' } },
        { type: 'custom', name: 'get_time', input_schema: { type: 'object', properties: {} } },
      ],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
    });
    expect(result).toEqual({
      model: MODEL,
      max_tokens: 512,
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: 'Checking both.',
          tool_calls: [
            { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } },
            { id: 'toolu_2', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Rome"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: '18°C, cloudy' },
        { role: 'tool', tool_call_id: 'toolu_2', content: '24°C\nsunny' },
        { role: 'user', content: 'Which is warmer?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_3', type: 'function', function: { name: 'get_time', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'toolu_3', content: '12:00' },
      ],
      tools: [
        { type: 'function', function: { name: 'get_weather', description: 'Current weather for a city', parameters: WEATHER_SCHEMA } },
        { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } },
      ],
      tool_choice: 'required',
      parallel_tool_calls: false,
    });
  });

  it.each([
    [{ type: 'auto' }, 'auto'],
    [{ type: 'none' }, 'none'],
    [{ type: 'any' }, 'required'],
    [{ type: 'tool', name: 'get_time' }, { type: 'function', function: { name: 'get_time' } }],
  ] as const)('maps tool_choice %j', (choice, expected) => {
    const result = translate({ max_tokens: 1, messages: [{ role: 'user', content: 'x' }], tools: [{ name: 'get_time', input_schema: { type: 'object' } }], tool_choice: choice });
    expect(result.tool_choice).toEqual(expected);
    expect(result).not.toHaveProperty('parallel_tool_calls');
  });

  it.each([
    ['a server tool', { max_tokens: 1, messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'web_search_20250305', name: 'web_search' }] }, 'tools[0]'],
    ['an unknown block type', { max_tokens: 1, messages: [{ role: 'user', content: [{ type: 'search_result', source: 'x' }] }] }, 'messages[0].content[0].type'],
    ['a server tool block in history', { max_tokens: 1, messages: [{ role: 'assistant', content: [{ type: 'server_tool_use', id: 's', name: 'web_search', input: {} }] }] }, 'messages[0].content[0].type'],
    ['an image from an uploaded file', { max_tokens: 1, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file', file_id: 'f' } }] }] }, 'messages[0].content[0].source'],
    ['a system role message', { max_tokens: 1, messages: [{ role: 'system', content: 'x' }] }, 'messages[0].role'],
    ['a tool_result without tool_use_id', { max_tokens: 1, messages: [{ role: 'user', content: [{ type: 'tool_result', content: 'x' }] }] }, 'messages[0].content[0].tool_use_id'],
  ] satisfies [string, JsonObject, string][])('rejects %s with a 400 naming the field', (_name, body, param) => {
    const error = rejection(body);
    expect(error.code).toBe('GH_ERR_BAD_REQUEST');
    expect(error.param).toBe(param);
  });
});
