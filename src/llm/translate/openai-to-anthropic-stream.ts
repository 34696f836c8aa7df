/**
 * OpenAI `chat.completion.chunk` stream → Anthropic Messages stream, in the order the Anthropic SDK expects:
 * `message_start`, then per content block `content_block_start` / `content_block_delta`… / `content_block_stop`
 * (text as `text_delta`, each tool call as a `tool_use` block fed by `input_json_delta`), then `message_delta`
 * and `message_stop`.
 *
 * OpenAI sends the usage chunk after the chunk with `finish_reason`, so `message_delta` (which carries both) waits
 * for `[DONE]`, or for the end of the stream when a server omits `[DONE]`. Only the first choice is read: the
 * request translation never asks for more. A stream cut off before any finish reason ends with an error event.
 */
import type { StreamTranslator } from '../stream.js';
import { ZERO_USAGE, type JsonObject, type SseEvent, type Usage } from '../types.js';
import { anthropicMessageId, toolUseId } from './ids.js';
import { numberAt, objectAt, objectsAt, parseObject, stringAt } from './json-read.js';
import { anthropicStopReason } from './stop-reasons.js';
import { CUT_OFF_MESSAGE, anthropicErrorFrame, upstreamErrorMessage } from './stream-errors.js';
import { anthropicUsageJson, usageFromOpenai } from './usage.js';

export interface OpenaiToAnthropicStreamOptions {
  /** The model name the client asked for, shown in `message_start`. */
  model: string;
}

export function openaiToAnthropicStream(options: OpenaiToAnthropicStreamOptions): StreamTranslator {
  return new OpenaiToAnthropicStream(options);
}

/** One event frame. JSON text never holds a raw line break, so it always fits on one `data:` line. */
function frame(type: string, payload: JsonObject): string {
  return `event: ${type}\ndata: ${JSON.stringify(payload)}\n\n`;
}

class OpenaiToAnthropicStream implements StreamTranslator {
  private started = false;
  private closed = false;
  private nextBlock = 0;
  private openBlock: { index: number; kind: 'text' | 'tool' } | undefined;
  /** OpenAI tool-call index → Anthropic content-block index. */
  private readonly toolBlocks = new Map<number, number>();
  private finishReason: string | undefined;
  private reported: Usage | undefined;

  constructor(private readonly options: OpenaiToAnthropicStreamOptions) {}

  get usage(): Usage {
    return this.reported ?? { ...ZERO_USAGE };
  }

  push(event: SseEvent): string {
    if (this.closed) return '';
    if (event.data === '[DONE]') return this.finish();
    const chunk = parseObject(event.data);
    if (!chunk) return '';
    const error = objectAt(chunk.error);
    if (error) {
      this.closed = true;
      return anthropicErrorFrame(upstreamErrorMessage(stringAt(error.type)));
    }
    const usage = objectAt(chunk.usage);
    if (usage) this.reported = usageFromOpenai(usage);
    const out = this.begin(stringAt(chunk.id));
    const choice = objectsAt(chunk.choices).find((candidate) => (numberAt(candidate.index) ?? 0) === 0);
    return choice ? out + this.choice(choice) : out;
  }

  end(): string {
    if (this.closed) return '';
    if (this.finishReason !== undefined) return this.finish();
    this.closed = true;
    return anthropicErrorFrame(CUT_OFF_MESSAGE);
  }

  private begin(chunkId?: string): string {
    if (this.started) return '';
    this.started = true;
    const message = {
      id: anthropicMessageId(chunkId),
      type: 'message',
      role: 'assistant',
      model: this.options.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: anthropicUsageJson(this.usage),
    };
    return frame('message_start', { type: 'message_start', message });
  }

  private choice(choice: JsonObject): string {
    const delta = objectAt(choice.delta);
    let out = '';
    const text = stringAt(delta?.content) || stringAt(delta?.refusal);
    if (text) out += this.text(text);
    for (const call of objectsAt(delta?.tool_calls)) out += this.toolCall(call);
    const finishReason = stringAt(choice.finish_reason);
    if (finishReason) {
      this.finishReason = finishReason;
      out += this.closeBlock();
    }
    return out;
  }

  private text(text: string): string {
    let out = '';
    if (this.openBlock?.kind !== 'text') out = this.closeBlock() + this.openNewBlock('text', { type: 'text', text: '' });
    const index = this.openBlock?.index ?? 0;
    return out + frame('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
  }

  private toolCall(call: JsonObject): string {
    const toolIndex = numberAt(call.index) ?? 0;
    const fn = objectAt(call.function);
    let out = '';
    let index = this.toolBlocks.get(toolIndex);
    if (index === undefined) {
      const block = { type: 'tool_use', id: stringAt(call.id) ?? toolUseId(), name: stringAt(fn?.name) ?? '', input: {} };
      out = this.closeBlock() + this.openNewBlock('tool', block);
      index = this.nextBlock - 1;
      this.toolBlocks.set(toolIndex, index);
    }
    // A fragment for an earlier tool call (only a server that interleaves calls sends one) still goes to that
    // call's block: the SDK assembles input by block index.
    const fragment = stringAt(fn?.arguments);
    if (!fragment) return out;
    return out + frame('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: fragment } });
  }

  private openNewBlock(kind: 'text' | 'tool', block: JsonObject): string {
    const index = this.nextBlock++;
    this.openBlock = { index, kind };
    return frame('content_block_start', { type: 'content_block_start', index, content_block: block });
  }

  private closeBlock(): string {
    if (!this.openBlock) return '';
    const index = this.openBlock.index;
    this.openBlock = undefined;
    return frame('content_block_stop', { type: 'content_block_stop', index });
  }

  private finish(): string {
    const out = this.begin() + this.closeBlock();
    this.closed = true;
    const usage = this.reported ? anthropicUsageJson(this.reported) : { output_tokens: 0 };
    const delta = { stop_reason: anthropicStopReason(this.finishReason) ?? 'end_turn', stop_sequence: null };
    return out + frame('message_delta', { type: 'message_delta', delta, usage }) + frame('message_stop', { type: 'message_stop' });
  }
}
