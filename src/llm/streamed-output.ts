/**
 * The output tokens a client has received so far in a stream, estimated from the text of what was written to it,
 * for a stream the client cuts off before the provider reports usage: it is still charged (budgets, limits and
 * spend) for what it got.
 *
 * Only the string values that carry generated text are counted (`content`, `text`, `partial_json`, `arguments`,
 * `thinking`, `refusal`), found with one regular expression per write rather than by parsing every frame's JSON:
 * the stream stays parsed only as far as needed.
 */
import { StreamedTokenCounter } from '../budgets/streamed-tokens.js';

const GENERATED_TEXT = /"(?:content|text|partial_json|arguments|thinking|refusal)":"((?:[^"\\]|\\.)*)"/g;

export class StreamedOutput {
  private readonly counter = new StreamedTokenCounter();

  /** Adds one write's worth of SSE frames, in either dialect. */
  add(sse: string): void {
    for (const match of sse.matchAll(GENERATED_TEXT)) {
      const literal = match[1]!;
      this.counter.add(literal.includes('\\') ? unescape(literal) : literal);
    }
  }

  get tokens(): number {
    return this.counter.tokens;
  }
}

/** A JSON string literal's content, unescaped; one the regex cut oddly counts as written. */
function unescape(literal: string): string {
  try {
    return JSON.parse(`"${literal}"`) as string;
  } catch {
    return literal;
  }
}
