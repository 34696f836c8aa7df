/**
 * Token usage in both dialects. The two count prompt caching differently: OpenAI's `prompt_tokens` already includes
 * cached tokens (`prompt_tokens_details.cached_tokens`), while Anthropic's `input_tokens` excludes both cache reads
 * and cache writes, which are reported beside it. `Usage.inputTokens` follows OpenAI: every input token, cached or
 * not, so limits and budgets count the same whichever provider served the call.
 */
import type { JsonObject, Usage } from '../types.js';
import { numberAt, objectAt } from './json-read.js';

/** Usage from an OpenAI response body or chunk, or from its `usage` object itself. */
export function usageFromOpenai(json: JsonObject | undefined): Usage {
  const usage = objectAt(json?.usage) ?? json;
  const usageOut: Usage = { inputTokens: numberAt(usage?.prompt_tokens) ?? 0, outputTokens: numberAt(usage?.completion_tokens) ?? 0 };
  const cached = numberAt(objectAt(usage?.prompt_tokens_details)?.cached_tokens);
  if (cached !== undefined) usageOut.cacheReadTokens = cached;
  return usageOut;
}

/** Usage from an Anthropic message or stream event (`message_start`, `message_delta`), or its `usage` object itself. */
export function usageFromAnthropic(json: JsonObject | undefined): Usage {
  const tracker = new AnthropicUsageTracker();
  tracker.apply(anthropicUsageObject(json));
  return tracker.usage;
}

function anthropicUsageObject(json: JsonObject | undefined): JsonObject | undefined {
  return objectAt(json?.usage) ?? objectAt(objectAt(json?.message)?.usage) ?? json;
}

/**
 * Follows usage through an Anthropic stream: `message_start` carries the input counts, and every `message_delta`
 * carries cumulative totals (output always, the others when they changed), so each report overwrites the last.
 */
export class AnthropicUsageTracker {
  private input = 0;
  private output = 0;
  private cacheRead: number | undefined;
  private cacheWrite: number | undefined;

  /** Take the counts from a `message_start` or `message_delta` event. */
  event(event: JsonObject): void {
    this.apply(anthropicUsageObject(event));
  }

  apply(usage: JsonObject | undefined): void {
    if (!usage) return;
    this.input = numberAt(usage.input_tokens) ?? this.input;
    this.output = numberAt(usage.output_tokens) ?? this.output;
    this.cacheRead = numberAt(usage.cache_read_input_tokens) ?? this.cacheRead;
    this.cacheWrite = numberAt(usage.cache_creation_input_tokens) ?? this.cacheWrite;
  }

  get usage(): Usage {
    const usage: Usage = { inputTokens: this.input + (this.cacheRead ?? 0) + (this.cacheWrite ?? 0), outputTokens: this.output };
    if (this.cacheRead !== undefined) usage.cacheReadTokens = this.cacheRead;
    if (this.cacheWrite !== undefined) usage.cacheWriteTokens = this.cacheWrite;
    return usage;
  }
}

/** `usage` as an OpenAI client reads it. */
export function openaiUsageJson(usage: Usage): JsonObject {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cacheReadTokens ?? 0 },
  };
}

/** `usage` as an Anthropic client reads it: uncached input beside the cache reads and writes. */
export function anthropicUsageJson(usage: Usage): JsonObject {
  const cacheRead = usage.cacheReadTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  return {
    input_tokens: Math.max(0, usage.inputTokens - cacheRead - cacheWrite),
    output_tokens: usage.outputTokens,
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
  };
}
