import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { anthropicToOpenaiStream } from '../../../src/llm/translate/index.js';
import type { JsonObject, SseEvent } from '../../../src/llm/types.js';
import { fixtureEvents, framesOf, translateAll, type Frame } from './sse-frames.js';

const NOW = new Date('2025-07-20T12:00:00Z');
const CREATED = Math.floor(NOW.getTime() / 1000);
const ID = 'chatcmpl-01XFDUDYJgAACzvnptvVoYEL';
const RECORDED = fixtureEvents('anthropic-stream-text-tool-use.sse');

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
});

function chunk(delta: JsonObject, finishReason: string | null = null): Frame {
  return { data: { id: ID, object: 'chat.completion.chunk', created: CREATED, model: 'team-model', choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] } };
}

function event(data: JsonObject): SseEvent {
  return { event: String(data.type), data: JSON.stringify(data) };
}

/** The recorded stream up to (not including) the first event of the given type. */
function recordedUntil(type: string): SseEvent[] {
  return RECORDED.slice(0, RECORDED.findIndex((e) => e.event === type));
}

describe('anthropicToOpenaiStream', () => {
  it('translates a recorded text + tool_use stream into OpenAI chunks, with the usage chunk when asked', () => {
    const translator = anthropicToOpenaiStream({ model: 'team-model', includeUsage: true });
    expect(framesOf(translateAll(translator, RECORDED))).toEqual([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Okay, let' }),
      chunk({ content: "'s check the weather and time for San Francisco, CA:" }),
      chunk({ tool_calls: [{ index: 0, id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"location":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: ' "San Francisc' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: 'o, CA", "unit": "fah' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: 'renheit"}' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'toolu_01PbL1C8FJXvJ6RQMHBvR4kx', type: 'function', function: { name: 'get_time', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: '{"timezone": "America/Los_Angeles"}' } }] }),
      chunk({}, 'tool_calls'),
      {
        data: {
          id: ID,
          object: 'chat.completion.chunk',
          created: CREATED,
          model: 'team-model',
          choices: [],
          usage: { prompt_tokens: 600, completion_tokens: 89, total_tokens: 689, prompt_tokens_details: { cached_tokens: 128 } },
        },
      },
      { data: '[DONE]' },
    ]);
    expect(translator.usage).toEqual({ inputTokens: 600, outputTokens: 89, cacheReadTokens: 128, cacheWriteTokens: 0 });
  });

  it('leaves the usage chunk out when the client did not ask for it, but still reads usage', () => {
    const translator = anthropicToOpenaiStream({ model: 'team-model', includeUsage: false });
    const frames = framesOf(translateAll(translator, RECORDED));
    expect(frames.slice(-2)).toEqual([chunk({}, 'tool_calls'), { data: '[DONE]' }]);
    expect(frames.some((frame) => frame.data !== '[DONE]' && 'usage' in frame.data)).toBe(false);
    expect(translator.usage).toEqual({ inputTokens: 600, outputTokens: 89, cacheReadTokens: 128, cacheWriteTokens: 0 });
  });

  it('assembles each tool call from its fragments', () => {
    const frames = framesOf(translateAll(anthropicToOpenaiStream({ model: 'm', includeUsage: false }), RECORDED));
    const calls = new Map<number, { id: string; name: string; arguments: string }>();
    for (const frame of frames) {
      if (frame.data === '[DONE]') continue;
      const delta = (frame.data.choices as { delta: { tool_calls?: { index: number; id?: string; function: { name?: string; arguments: string } }[] } }[])[0]?.delta;
      for (const call of delta?.tool_calls ?? []) {
        const entry = calls.get(call.index) ?? { id: '', name: '', arguments: '' };
        calls.set(call.index, { id: call.id ?? entry.id, name: call.function.name ?? entry.name, arguments: entry.arguments + call.function.arguments });
      }
    }
    expect([...calls.values()].map((call) => ({ ...call, arguments: JSON.parse(call.arguments) as unknown }))).toEqual([
      { id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', arguments: { location: 'San Francisco, CA', unit: 'fahrenheit' } },
      { id: 'toolu_01PbL1C8FJXvJ6RQMHBvR4kx', name: 'get_time', arguments: { timezone: 'America/Los_Angeles' } },
    ]);
  });

  it('ends a stream cut off before its stop reason with an OpenAI error frame, keeping the usage seen', () => {
    const translator = anthropicToOpenaiStream({ model: 'team-model', includeUsage: true });
    const frames = framesOf(translateAll(translator, recordedUntil('message_delta')));
    expect(frames.at(-1)).toEqual({
      data: { error: { message: 'The model provider ended the stream before the response was complete.', type: 'api_error', param: null, code: 'gh_err_upstream_error' } },
    });
    expect(frames.some((frame) => frame.data === '[DONE]')).toBe(false);
    expect(translator.usage).toEqual({ inputTokens: 600, outputTokens: 2, cacheReadTokens: 128, cacheWriteTokens: 0 });
  });

  it('closes a stream normally when only message_stop is missing', () => {
    const translator = anthropicToOpenaiStream({ model: 'team-model', includeUsage: true });
    const frames = framesOf(translateAll(translator, recordedUntil('message_stop')));
    expect(frames.at(-3)).toEqual(chunk({}, 'tool_calls'));
    expect(frames.at(-2)?.data).toMatchObject({ choices: [], usage: { prompt_tokens: 600, completion_tokens: 89 } });
    expect(frames.at(-1)).toEqual({ data: '[DONE]' });
  });

  it('turns an upstream error event into an OpenAI error frame and ignores what follows', () => {
    const translator = anthropicToOpenaiStream({ model: 'team-model', includeUsage: true });
    const events = [...RECORDED.slice(0, 4), event({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }), ...RECORDED.slice(4)];
    const frames = framesOf(translateAll(translator, events));
    expect(frames).toEqual([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Okay, let' }),
      { data: { error: { message: 'The model provider reported an error during the stream (overloaded_error).', type: 'api_error', param: null, code: 'gh_err_upstream_error' } } },
    ]);
  });

  it('maps max_tokens to length and reads a message_delta that updates input usage', () => {
    const translator = anthropicToOpenaiStream({ model: 'team-model', includeUsage: true });
    const events = [
      event({ type: 'message_start', message: { id: 'msg_01XFDUDYJgAACzvnptvVoYEL', type: 'message', role: 'assistant', content: [], usage: { input_tokens: 10, output_tokens: 1 } } }),
      event({ type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } }),
      event({ type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Hmm.' } }),
      event({ type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'EqQB' } }),
      event({ type: 'content_block_stop', index: 0 }),
      event({ type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } }),
      event({ type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Once upon' } }),
      event({ type: 'message_delta', delta: { stop_reason: 'max_tokens', stop_sequence: null }, usage: { input_tokens: 12, output_tokens: 5 } }),
      event({ type: 'message_stop' }),
    ];
    expect(framesOf(translateAll(translator, events))).toEqual([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Once upon' }),
      chunk({}, 'length'),
      { data: { id: ID, object: 'chat.completion.chunk', created: CREATED, model: 'team-model', choices: [], usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17, prompt_tokens_details: { cached_tokens: 0 } } } },
      { data: '[DONE]' },
    ]);
  });

  it('sends nothing after [DONE], even when end() is called', () => {
    const translator = anthropicToOpenaiStream({ model: 'team-model', includeUsage: false });
    translateAll(translator, RECORDED);
    expect(translator.push(RECORDED[0] as SseEvent)).toBe('');
    expect(translator.end()).toBe('');
  });
});
