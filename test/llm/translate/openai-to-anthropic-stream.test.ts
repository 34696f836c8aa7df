import { describe, expect, it } from 'vitest';
import { openaiToAnthropicStream } from '../../../src/llm/translate/index.js';
import type { JsonObject, SseEvent } from '../../../src/llm/types.js';
import { fixtureEvents, framesOf, translateAll, type Frame } from './sse-frames.js';

const RECORDED = fixtureEvents('openai-stream-text-tool-calls.sse');

function frame(data: JsonObject): Frame {
  return { event: String(data.type), data };
}

function chunk(delta: JsonObject, finishReason: string | null = null, extra: JsonObject = {}): SseEvent {
  return { data: JSON.stringify({ id: 'chatcmpl-abc', object: 'chat.completion.chunk', created: 1, model: 'llama3', choices: [{ index: 0, delta, finish_reason: finishReason }], ...extra }) };
}

/**
 * Checks the grammar the Anthropic SDK relies on: message_start first; blocks opened in index order, each one
 * started before its deltas and stopped once, never two open at a time; message_delta then message_stop last.
 */
function expectWellFormed(frames: Frame[]): void {
  const types = frames.map((f) => f.event);
  expect(types[0]).toBe('message_start');
  expect(types.slice(-2)).toEqual(['message_delta', 'message_stop']);
  let open: number | undefined;
  let next = 0;
  for (const { event, data } of frames.slice(1, -2)) {
    const index = (data as JsonObject).index;
    if (event === 'content_block_start') {
      expect(open).toBeUndefined();
      expect(index).toBe(next++);
      open = index as number;
    } else if (event === 'content_block_delta') {
      expect(index).toBe(open);
    } else if (event === 'content_block_stop') {
      expect(index).toBe(open);
      open = undefined;
    } else {
      throw new Error(`unexpected ${event} inside the message`);
    }
  }
  expect(open).toBeUndefined();
}

describe('openaiToAnthropicStream', () => {
  it('translates a recorded text + tool_calls stream into Anthropic events, usage in message_delta', () => {
    const translator = openaiToAnthropicStream({ model: 'team-model' });
    const frames = framesOf(translateAll(translator, RECORDED));
    expect(frames).toEqual([
      frame({
        type: 'message_start',
        message: {
          id: 'msg_BzX1aT9cUqCq8EoLq7Hq2zT1',
          type: 'message',
          role: 'assistant',
          model: 'team-model',
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
        },
      }),
      frame({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
      frame({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Let me' } }),
      frame({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' check both.' } }),
      frame({ type: 'content_block_stop', index: 0 }),
      frame({ type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'call_Kx1rJ7iqJ3a4Bq5H', name: 'get_weather', input: {} } }),
      frame({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"lo' } }),
      frame({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: 'cation": "Pa' } }),
      frame({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: 'ris"}' } }),
      frame({ type: 'content_block_stop', index: 1 }),
      frame({ type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'call_9fQ2mZpL0sW3xY7v', name: 'get_time', input: {} } }),
      frame({ type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"timezone": ' } }),
      frame({ type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '"Europe/Paris"}' } }),
      frame({ type: 'content_block_stop', index: 2 }),
      frame({
        type: 'message_delta',
        delta: { stop_reason: 'tool_use', stop_sequence: null },
        usage: { input_tokens: 266, output_tokens: 45, cache_creation_input_tokens: 0, cache_read_input_tokens: 1024 },
      }),
      frame({ type: 'message_stop' }),
    ]);
    expectWellFormed(frames);
    expect(translator.usage).toEqual({ inputTokens: 1290, outputTokens: 45, cacheReadTokens: 1024 });
  });

  it('waits for the usage chunk: message_delta is not sent at finish_reason', () => {
    const translator = openaiToAnthropicStream({ model: 'm' });
    const finishAt = RECORDED.findIndex((e) => e.data.includes('"finish_reason":"tool_calls"'));
    const beforeUsage = RECORDED.slice(0, finishAt + 1)
      .map((e) => translator.push(e))
      .join('');
    expect(beforeUsage).not.toContain('message_delta');
    expect(translator.push(RECORDED[finishAt + 1] as SseEvent)).toBe('');
    expect(framesOf(translator.push(RECORDED[finishAt + 2] as SseEvent)).map((f) => f.event)).toEqual(['message_delta', 'message_stop']);
  });

  it('closes properly at end() when a server sends finish_reason but no [DONE]', () => {
    const translator = openaiToAnthropicStream({ model: 'm' });
    const frames = framesOf(translateAll(translator, [chunk({ role: 'assistant', content: 'Hi' }), chunk({}, 'stop')]));
    expectWellFormed(frames);
    expect(frames.slice(-2)).toEqual([
      frame({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 0 } }),
      frame({ type: 'message_stop' }),
    ]);
  });

  it('ends a stream cut off before any finish_reason with an error event', () => {
    const translator = openaiToAnthropicStream({ model: 'm' });
    const frames = framesOf(translateAll(translator, RECORDED.slice(0, 6)));
    expect(frames.at(-1)).toEqual({
      event: 'error',
      data: { type: 'error', error: { type: 'api_error', message: 'The model provider ended the stream before the response was complete.' } },
    });
    expect(frames.some((f) => f.event === 'message_stop')).toBe(false);
  });

  it('handles a whole tool call in one chunk with usage on the finishing chunk (Ollama style)', () => {
    const translator = openaiToAnthropicStream({ model: 'm' });
    const events = [
      chunk({ role: 'assistant', content: '', tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }] }),
      chunk({}, 'tool_calls', { usage: { prompt_tokens: 30, completion_tokens: 8, total_tokens: 38 } }),
      { data: '[DONE]' },
    ];
    const frames = framesOf(translateAll(translator, events));
    expectWellFormed(frames);
    expect(frames.slice(1)).toEqual([
      frame({ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'call_1', name: 'lookup', input: {} } }),
      frame({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"q":"x"}' } }),
      frame({ type: 'content_block_stop', index: 0 }),
      frame({ type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { input_tokens: 30, output_tokens: 8, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } }),
      frame({ type: 'message_stop' }),
    ]);
  });

  it('opens a new text block when text follows a tool call, and maps length to max_tokens', () => {
    const events = [
      chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }] }),
      chunk({ content: 'and more' }),
      chunk({}, 'length'),
      { data: '[DONE]' },
    ];
    const frames = framesOf(translateAll(openaiToAnthropicStream({ model: 'm' }), events));
    expectWellFormed(frames);
    expect(frames.map((f) => [f.event, (f.data as JsonObject).index ?? null])).toEqual([
      ['message_start', null],
      ['content_block_start', 0],
      ['content_block_delta', 0],
      ['content_block_stop', 0],
      ['content_block_start', 1],
      ['content_block_delta', 1],
      ['content_block_stop', 1],
      ['message_delta', null],
      ['message_stop', null],
    ]);
    expect((frames.at(-2)?.data as JsonObject).delta).toEqual({ stop_reason: 'max_tokens', stop_sequence: null });
  });

  it('turns an upstream error chunk into an Anthropic error event and stops', () => {
    const translator = openaiToAnthropicStream({ model: 'm' });
    const events = [chunk({ content: 'Hi' }), { data: JSON.stringify({ error: { message: 'secret upstream detail', type: 'server_error', code: null } }) }, chunk({ content: 'more' })];
    const text = translateAll(translator, events);
    expect(text).not.toContain('secret upstream detail');
    expect(framesOf(text).at(-1)).toEqual({
      event: 'error',
      data: { type: 'error', error: { type: 'api_error', message: 'The model provider reported an error during the stream (server_error).' } },
    });
  });

  it('answers an empty stream that still ended with [DONE] with a complete, empty message', () => {
    const frames = framesOf(translateAll(openaiToAnthropicStream({ model: 'm' }), [{ data: '[DONE]' }]));
    expectWellFormed(frames);
    expect(frames.map((f) => f.event)).toEqual(['message_start', 'message_delta', 'message_stop']);
  });
});
