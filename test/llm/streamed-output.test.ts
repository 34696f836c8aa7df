import { describe, expect, it } from 'vitest';
import { StreamedOutput } from '../../src/llm/streamed-output.js';

const openaiChunk = (delta: object) => `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`;
const anthropicDelta = (delta: object) => `event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', index: 0, delta })}\n\n`;

describe('StreamedOutput', () => {
  it('counts the generated text of OpenAI chunks, not their framing', () => {
    const output = new StreamedOutput();
    output.add(openaiChunk({ role: 'assistant', content: '' }));
    output.add(openaiChunk({ content: 'Hello, ' }) + openaiChunk({ content: 'world!!!' }));
    // 15 characters of text: 4 tokens; the JSON around them (ids, model, roles) counts nothing.
    expect(output.tokens).toBe(4);
  });

  it('counts Anthropic text, tool input and thinking deltas', () => {
    const output = new StreamedOutput();
    output.add(`event: message_start\ndata: ${JSON.stringify({ type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', content: [], model: 'claude' } })}\n\n`);
    output.add(anthropicDelta({ type: 'text_delta', text: 'abcd' }));
    output.add(anthropicDelta({ type: 'input_json_delta', partial_json: '{"city":' }));
    output.add(anthropicDelta({ type: 'thinking_delta', thinking: 'hmmm' }));
    expect(output.tokens).toBe(Math.ceil((4 + 8 + 4) / 4));
  });

  it('unescapes JSON strings, and counts dense scripts one token per character', () => {
    const output = new StreamedOutput();
    output.add(openaiChunk({ content: 'say "hi"\n' }));
    output.add(openaiChunk({ content: '你好世界' }));
    output.add(openaiChunk({ tool_calls: [{ index: 0, function: { arguments: '{"a":1}' } }] }));
    // 'say "hi"\n' is 9 characters and the arguments 7: 16 → 4 tokens; four ideographs → 4 tokens.
    expect(output.tokens).toBe(8);
  });
});
