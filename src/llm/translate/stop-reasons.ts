/**
 * Stop reasons, in one place. OpenAI's `finish_reason` and Anthropic's `stop_reason` name the same few outcomes.
 * `pause_turn` (a server tool paused a long turn) has no OpenAI counterpart and reads as a normal stop;
 * `model_context_window_exceeded` reads as `length`, the outcome an OpenAI client handles the same way.
 */
import type { FinishReason } from '../stream.js';

export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal';

const TO_OPENAI: Readonly<Record<string, Exclude<FinishReason, null>>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

const TO_ANTHROPIC: Readonly<Record<string, AnthropicStopReason>> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  content_filter: 'refusal',
};

/** Anthropic `stop_reason` → OpenAI `finish_reason`; an unknown reason reads as `stop`, absent as null. */
export function openaiFinishReason(stopReason: string | null | undefined): FinishReason {
  if (stopReason === null || stopReason === undefined) return null;
  return TO_OPENAI[stopReason] ?? 'stop';
}

/** OpenAI `finish_reason` → Anthropic `stop_reason`; an unknown reason reads as `end_turn`, absent as null. */
export function anthropicStopReason(finishReason: string | null | undefined): AnthropicStopReason | null {
  if (finishReason === null || finishReason === undefined) return null;
  return TO_ANTHROPIC[finishReason] ?? 'end_turn';
}
