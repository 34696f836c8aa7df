import { describe, expect, it } from 'vitest';
import { openaiPassthroughStream } from '../../src/llm/openai-stream.js';

const content = JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }], usage: null });
const usageChunk = JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } });

describe('openaiPassthroughStream', () => {
  it('forwards frames untouched and reads usage', () => {
    const translator = openaiPassthroughStream({ keepUsageChunk: true });
    expect(translator.push({ data: content })).toBe(`data: ${content}\n\n`);
    expect(translator.push({ data: usageChunk })).toBe(`data: ${usageChunk}\n\n`);
    expect(translator.push({ data: '[DONE]' })).toBe('data: [DONE]\n\n');
    expect(translator.usage).toEqual({ inputTokens: 7, outputTokens: 3 });
  });

  it('drops the usage chunk the client did not ask for, but still counts it', () => {
    const translator = openaiPassthroughStream({ keepUsageChunk: false });
    expect(translator.push({ data: content })).not.toContain('usage');
    expect(translator.push({ data: usageChunk })).toBe('');
    expect(translator.usage).toEqual({ inputTokens: 7, outputTokens: 3 });
  });

  it('strips usage attached to a content chunk when the client did not ask for it', () => {
    const translator = openaiPassthroughStream({ keepUsageChunk: false });
    const combined = JSON.stringify({ id: 'c1', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } });
    const out = translator.push({ data: combined });
    expect(JSON.parse(out.slice('data: '.length))).toEqual({ id: 'c1', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
    expect(translator.usage).toEqual({ inputTokens: 1, outputTokens: 2 });
  });

  it('forwards a malformed frame rather than failing the stream', () => {
    const translator = openaiPassthroughStream({ keepUsageChunk: false });
    expect(translator.push({ data: '{"usage": {oops' })).toBe('data: {"usage": {oops\n\n');
  });
});

describe('openaiPassthroughStream: the usage field the client did not ask for', () => {
  it('removes "usage":null from content chunks unless the client asked for usage', () => {
    expect(openaiPassthroughStream({ keepUsageChunk: false }).push({ data: content })).toBe(`data: ${content.replace(',"usage":null', '')}\n\n`);
    expect(openaiPassthroughStream({ keepUsageChunk: true }).push({ data: content })).toBe(`data: ${content}\n\n`);
  });
});
