/**
 * A cheap estimate of a request's prompt size for the `input_tokens` criterion: the characters of its text,
 * divided by four (the usual rule of thumb for English with OpenAI and Anthropic tokenizers). It is meant for
 * coarse rules ("no 100k-token prompts on premium models"), not for billing.
 */
import type { JsonObject, JsonValue } from '../llm/types.js';

const CHARS_PER_TOKEN = 4;

/** Counts the text of `messages` (both dialects), `system`, `prompt` (completions) and `input` (embeddings). */
export function estimateInputTokens(body: JsonObject): number {
  const chars = textLength(body.messages) + textLength(body.system) + textLength(body.prompt) + textLength(body.input);
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

/**
 * Strings count in full; lists are summed; in an object only the fields that carry text do (`content`, `text`),
 * so image data, tool schemas and ids are not counted as prompt.
 */
function textLength(value: JsonValue | undefined): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) {
    let total = 0;
    for (const item of value) total += textLength(item);
    return total;
  }
  if (typeof value === 'object' && value !== null) return textLength(value.content) + textLength(value.text);
  return 0;
}
