/**
 * Anthropic Messages stream → OpenAI `chat.completion.chunk` stream.
 *
 * Each Anthropic event becomes at most a few chunks: the first carries `delta.role`, text deltas become
 * `delta.content`, a `tool_use` block opens a tool call (numbered in the order tool blocks appear) and its
 * `input_json_delta` pieces become `function.arguments` fragments. `message_delta` brings the finish reason;
 * `message_stop` the usage chunk (when the client asked for it) and `[DONE]`. Thinking and citation deltas have no
 * OpenAI counterpart and are skipped. A stream cut off before its stop reason ends with an error frame, so the
 * client does not take a truncated answer for a complete one.
 */
import type { FinishReason, StreamTranslator } from '../stream.js';
import type { JsonObject, SseEvent, Usage } from '../types.js';
import { openaiCompletionId } from './ids.js';
import { numberAt, objectAt, parseObject, stringAt } from './json-read.js';
import { openaiFinishReason } from './stop-reasons.js';
import { CUT_OFF_MESSAGE, openaiErrorFrame, upstreamErrorMessage } from './stream-errors.js';
import { AnthropicUsageTracker, openaiUsageJson } from './usage.js';

export interface AnthropicToOpenaiStreamOptions {
  /** The model name the client asked for, shown in every chunk. */
  model: string;
  /** Whether the client asked for the final usage chunk (`stream_options.include_usage`). */
  includeUsage: boolean;
}

export function anthropicToOpenaiStream(options: AnthropicToOpenaiStreamOptions): StreamTranslator {
  return new AnthropicToOpenaiStream(options);
}

class AnthropicToOpenaiStream implements StreamTranslator {
  private readonly tracker = new AnthropicUsageTracker();
  /** Every chunk's JSON up to its `choices`, built once: only the delta changes from chunk to chunk. */
  private head = '';
  /** Anthropic content-block index → OpenAI tool-call index. */
  private readonly toolIndexes = new Map<number, number>();
  private finishReason: FinishReason = null;
  private finishSent = false;
  private closed = false;

  constructor(private readonly options: AnthropicToOpenaiStreamOptions) {}

  get usage(): Usage {
    return this.tracker.usage;
  }

  push(event: SseEvent): string {
    if (this.closed) return '';
    const data = parseObject(event.data);
    if (!data) return '';
    switch (stringAt(data.type) ?? event.event) {
      case 'message_start':
        this.tracker.event(data);
        return this.begin(stringAt(objectAt(data.message)?.id));
      case 'content_block_start':
        return this.begin() + this.blockStart(data);
      case 'content_block_delta':
        return this.begin() + this.blockDelta(data);
      case 'message_delta':
        return this.begin() + this.messageDelta(data);
      case 'message_stop':
        return this.finish();
      case 'error':
        this.closed = true;
        return openaiErrorFrame(upstreamErrorMessage(stringAt(objectAt(data.error)?.type)));
      default:
        return ''; // ping, content_block_stop, and event types this translation does not know
    }
  }

  end(): string {
    if (this.closed) return '';
    if (this.finishReason !== null) return this.finish();
    this.closed = true;
    return openaiErrorFrame(CUT_OFF_MESSAGE);
  }

  /** The first chunk, announcing the assistant's turn; '' once sent. */
  private begin(messageId?: string): string {
    if (this.head !== '') return '';
    const id = JSON.stringify(openaiCompletionId(messageId));
    const created = Math.floor(Date.now() / 1000);
    this.head = `{"id":${id},"object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(this.options.model)},"choices":`;
    return this.chunk({ role: 'assistant', content: '' });
  }

  private chunk(delta: JsonObject, finishReason: FinishReason = null): string {
    return `data: ${this.head}[{"index":0,"delta":${JSON.stringify(delta)},"logprobs":null,"finish_reason":${JSON.stringify(finishReason)}}]}\n\n`;
  }

  private blockStart(event: JsonObject): string {
    const block = objectAt(event.content_block);
    if (block?.type === 'text') {
      const text = stringAt(block.text);
      return text ? this.chunk({ content: text }) : '';
    }
    if (block?.type !== 'tool_use') return '';
    const toolIndex = this.toolIndexes.size;
    this.toolIndexes.set(numberAt(event.index) ?? -1, toolIndex);
    const call = { index: toolIndex, id: stringAt(block.id) ?? '', type: 'function', function: { name: stringAt(block.name) ?? '', arguments: '' } };
    return this.chunk({ tool_calls: [call] });
  }

  private blockDelta(event: JsonObject): string {
    const delta = objectAt(event.delta);
    if (delta?.type === 'text_delta') {
      const text = stringAt(delta.text);
      return text ? this.chunk({ content: text }) : '';
    }
    if (delta?.type !== 'input_json_delta') return '';
    const toolIndex = this.toolIndexes.get(numberAt(event.index) ?? -1);
    const fragment = stringAt(delta.partial_json);
    if (toolIndex === undefined || !fragment) return '';
    return this.chunk({ tool_calls: [{ index: toolIndex, function: { arguments: fragment } }] });
  }

  private messageDelta(event: JsonObject): string {
    this.tracker.event(event);
    this.finishReason = openaiFinishReason(stringAt(objectAt(event.delta)?.stop_reason)) ?? this.finishReason;
    return this.finishChunk();
  }

  private finishChunk(): string {
    if (this.finishSent || this.finishReason === null) return '';
    this.finishSent = true;
    return this.chunk({}, this.finishReason);
  }

  private finish(): string {
    let out = this.begin();
    this.finishReason ??= 'stop';
    out += this.finishChunk();
    if (this.options.includeUsage) out += `data: ${this.head}[],"usage":${JSON.stringify(openaiUsageJson(this.tracker.usage))}}\n\n`;
    this.closed = true;
    return `${out}data: [DONE]\n\n`;
  }
}
