import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { anthropicToOpenaiChatResponse, openaiChatToAnthropicResponse } from '../../../src/llm/translate/index.js';

const NOW = new Date('2025-07-20T12:00:00Z');
const CREATED = Math.floor(NOW.getTime() / 1000);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('anthropicToOpenaiChatResponse', () => {
  it('translates a text message with cache usage', () => {
    const message = {
      id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5-20250929',
      content: [{ type: 'text', text: 'Hello! How can I help?' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 12, cache_creation_input_tokens: 100, cache_read_input_tokens: 2000, output_tokens: 9, service_tier: 'standard' },
    };
    expect(anthropicToOpenaiChatResponse(message, 'team-model')).toEqual({
      id: 'chatcmpl-01XFDUDYJgAACzvnptvVoYEL',
      object: 'chat.completion',
      created: CREATED,
      model: 'team-model',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello! How can I help?', refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 2112, completion_tokens: 9, total_tokens: 2121, prompt_tokens_details: { cached_tokens: 2000 } },
    });
  });

  it('translates thinking, text and tool_use blocks into content and tool_calls', () => {
    const message = {
      id: 'msg_02',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5-20250929',
      content: [
        { type: 'thinking', thinking: 'The user wants weather.', signature: 'EqQB' },
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', id: 'toolu_01A', name: 'get_weather', input: { location: 'San Francisco, CA', unit: 'fahrenheit' } },
        { type: 'tool_use', id: 'toolu_01B', name: 'get_time', input: {} },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 472, output_tokens: 89 },
    };
    expect(anthropicToOpenaiChatResponse(message, 'claude')).toEqual({
      id: 'chatcmpl-02',
      object: 'chat.completion',
      created: CREATED,
      model: 'claude',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Let me check.',
            refusal: null,
            tool_calls: [
              { id: 'toolu_01A', type: 'function', function: { name: 'get_weather', arguments: '{"location":"San Francisco, CA","unit":"fahrenheit"}' } },
              { id: 'toolu_01B', type: 'function', function: { name: 'get_time', arguments: '{}' } },
            ],
          },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 472, completion_tokens: 89, total_tokens: 561, prompt_tokens_details: { cached_tokens: 0 } },
    });
  });

  it('gives null content when there are only tool calls', () => {
    const result = anthropicToOpenaiChatResponse(
      { id: 'msg_3', content: [{ type: 'tool_use', id: 't', name: 'f', input: { a: 1 } }], stop_reason: 'tool_use', usage: { input_tokens: 1, output_tokens: 1 } },
      'm',
    );
    expect(result.choices).toEqual([
      { index: 0, message: { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] }, logprobs: null, finish_reason: 'tool_calls' },
    ]);
  });

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    ['pause_turn', 'stop'],
    ['model_context_window_exceeded', 'length'],
  ])('maps stop_reason %s to finish_reason %s', (stopReason, finishReason) => {
    const result = anthropicToOpenaiChatResponse({ id: 'msg_x', content: [{ type: 'text', text: 'x' }], stop_reason: stopReason, usage: { input_tokens: 1, output_tokens: 1 } }, 'm');
    expect((result.choices as { finish_reason: string }[])[0]?.finish_reason).toBe(finishReason);
  });
});

describe('openaiChatToAnthropicResponse', () => {
  it('translates a text completion with cached prompt tokens', () => {
    const completion = {
      id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT',
      object: 'chat.completion',
      created: 1741569952,
      model: 'gpt-4o-2024-08-06',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello! How can I assist you today?', refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
      usage: {
        prompt_tokens: 1290,
        completion_tokens: 10,
        total_tokens: 1300,
        prompt_tokens_details: { cached_tokens: 1024, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      },
      service_tier: 'default',
      system_fingerprint: 'fp_fc9f1d7035',
    };
    expect(openaiChatToAnthropicResponse(completion, 'team-model')).toEqual({
      id: 'msg_B9MBs8CjcvOU2jLn4n570S5qMJKcT',
      type: 'message',
      role: 'assistant',
      model: 'team-model',
      content: [{ type: 'text', text: 'Hello! How can I assist you today?' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 266, output_tokens: 10, cache_creation_input_tokens: 0, cache_read_input_tokens: 1024 },
    });
  });

  it('translates tool calls into tool_use blocks with parsed input', () => {
    const completion = {
      id: 'chatcmpl-tools',
      object: 'chat.completion',
      created: 1741569952,
      model: 'gpt-4o',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            refusal: null,
            tool_calls: [
              { id: 'call_abc', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } },
              { id: 'call_def', type: 'function', function: { name: 'get_time', arguments: '{"tz":' } },
            ],
          },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 82, completion_tokens: 17, total_tokens: 99 },
    };
    expect(openaiChatToAnthropicResponse(completion, 'gpt')).toEqual({
      id: 'msg_tools',
      type: 'message',
      role: 'assistant',
      model: 'gpt',
      content: [
        { type: 'tool_use', id: 'call_abc', name: 'get_weather', input: { location: 'Paris' } },
        { type: 'tool_use', id: 'call_def', name: 'get_time', input: {} },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 82, output_tokens: 17, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    });
  });

  it('turns a refusal into text', () => {
    const result = openaiChatToAnthropicResponse(
      { id: 'chatcmpl-r', choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: 'I cannot help with that.' }, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 } },
      'm',
    );
    expect(result.content).toEqual([{ type: 'text', text: 'I cannot help with that.' }]);
  });

  it.each([
    ['stop', 'end_turn'],
    ['length', 'max_tokens'],
    ['tool_calls', 'tool_use'],
    ['function_call', 'tool_use'],
    ['content_filter', 'refusal'],
  ])('maps finish_reason %s to stop_reason %s', (finishReason, stopReason) => {
    const result = openaiChatToAnthropicResponse({ id: 'chatcmpl-x', choices: [{ index: 0, message: { role: 'assistant', content: 'x' }, finish_reason: finishReason }] }, 'm');
    expect(result.stop_reason).toBe(stopReason);
  });
});
