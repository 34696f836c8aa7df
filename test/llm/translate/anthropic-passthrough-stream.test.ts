import { describe, expect, it } from 'vitest';
import { SseParser, formatSse } from '../../../src/llm/sse.js';
import { anthropicPassthroughStream } from '../../../src/llm/translate/index.js';
import type { SseEvent } from '../../../src/llm/types.js';
import { fixtureEvents, translateAll } from './sse-frames.js';

const RECORDED = fixtureEvents('anthropic-stream-text-tool-use.sse');

describe('anthropicPassthroughStream', () => {
  it('forwards every event unchanged and reads usage from message_start and message_delta', () => {
    const translator = anthropicPassthroughStream();
    const text = translateAll(translator, RECORDED);
    expect(text).toBe(RECORDED.map(formatSse).join(''));
    const parser = new SseParser();
    expect([...parser.push(text), ...parser.end()]).toEqual(RECORDED);
    expect(translator.usage).toEqual({ inputTokens: 600, outputTokens: 89, cacheReadTokens: 128, cacheWriteTokens: 0 });
  });

  it('reports the usage seen so far when the stream is cut off, and adds nothing at the end', () => {
    const translator = anthropicPassthroughStream();
    RECORDED.slice(0, 5).forEach((event) => translator.push(event));
    expect(translator.end()).toBe('');
    expect(translator.usage).toEqual({ inputTokens: 600, outputTokens: 2, cacheReadTokens: 128, cacheWriteTokens: 0 });
  });

  it('takes cumulative totals from message_delta, including updated input counts', () => {
    const translator = anthropicPassthroughStream();
    const events: SseEvent[] = [
      { event: 'message_start', data: JSON.stringify({ type: 'message_start', message: { id: 'msg_1', usage: { input_tokens: 10, cache_read_input_tokens: 5, output_tokens: 1 } } }) },
      { event: 'message_delta', data: JSON.stringify({ type: 'message_delta', delta: { stop_reason: 'pause_turn' }, usage: { output_tokens: 30 } }) },
      { event: 'message_delta', data: JSON.stringify({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { input_tokens: 14, output_tokens: 50 } }) },
    ];
    translateAll(translator, events);
    expect(translator.usage).toEqual({ inputTokens: 19, outputTokens: 50, cacheReadTokens: 5 });
  });

  it('reads usage from events sent without an event: line', () => {
    const translator = anthropicPassthroughStream();
    const event = { data: JSON.stringify({ type: 'message_start', message: { usage: { input_tokens: 7, output_tokens: 1 } } }) };
    expect(translator.push(event)).toBe(`data: ${event.data}\n\n`);
    expect(translator.usage).toEqual({ inputTokens: 7, outputTokens: 1 });
  });
});
