/** Pieces both fake upstreams build their deterministic answers from. */
import type { JsonValue } from '../../../src/llm/types.js';

/** The arguments of every tool call the fake upstreams make. */
export const TOOL_ARGUMENTS = '{"city":"Paris"}';

/** A message's text: the string itself, or its text parts (or blocks) joined. */
export function textOf(content: JsonValue | undefined): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => (typeof part === 'object' && part !== null && !Array.isArray(part) && typeof part.text === 'string' ? part.text : ''))
    .join('');
}

/** Split text into `parts` pieces of about equal length (fewer when the text is short), as a stream sends it. */
export function splitInto(text: string, parts: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / parts));
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}
