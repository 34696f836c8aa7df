import { describe, expect, it } from 'vitest';
import { usageFromAnthropic, usageFromOpenai } from '../../../src/llm/translate/index.js';

describe('usageFromOpenai', () => {
  it('reads a usage object, with cached tokens as cache reads', () => {
    expect(usageFromOpenai({ prompt_tokens: 1290, completion_tokens: 10, total_tokens: 1300, prompt_tokens_details: { cached_tokens: 1024 } })).toEqual({
      inputTokens: 1290,
      outputTokens: 10,
      cacheReadTokens: 1024,
    });
  });

  it('reads the usage of a whole completion or chunk', () => {
    expect(usageFromOpenai({ id: 'chatcmpl-1', choices: [], usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } })).toEqual({ inputTokens: 7, outputTokens: 3 });
  });

  it('reads missing usage as zero', () => {
    expect(usageFromOpenai(undefined)).toEqual({ inputTokens: 0, outputTokens: 0 });
    expect(usageFromOpenai({ id: 'chatcmpl-1', usage: null })).toEqual({ inputTokens: 0, outputTokens: 0 });
  });
});

describe('usageFromAnthropic', () => {
  it('counts cache reads and writes as input tokens too', () => {
    expect(usageFromAnthropic({ input_tokens: 12, cache_creation_input_tokens: 100, cache_read_input_tokens: 2000, output_tokens: 9 })).toEqual({
      inputTokens: 2112,
      outputTokens: 9,
      cacheReadTokens: 2000,
      cacheWriteTokens: 100,
    });
  });

  it('reads a message, a message_start event and a message_delta event', () => {
    expect(usageFromAnthropic({ type: 'message', content: [], usage: { input_tokens: 5, output_tokens: 6 } })).toEqual({ inputTokens: 5, outputTokens: 6 });
    expect(usageFromAnthropic({ type: 'message_start', message: { usage: { input_tokens: 5, output_tokens: 1 } } })).toEqual({ inputTokens: 5, outputTokens: 1 });
    expect(usageFromAnthropic({ type: 'message_delta', delta: {}, usage: { output_tokens: 40 } })).toEqual({ inputTokens: 0, outputTokens: 40 });
  });

  it('reads missing usage as zero', () => {
    expect(usageFromAnthropic(undefined)).toEqual({ inputTokens: 0, outputTokens: 0 });
  });
});
