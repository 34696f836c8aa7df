/**
 * OpenAI → OpenAI streams: frames are forwarded as they come. Gatehouse always asks OpenAI-compatible upstreams
 * for the final usage chunk; only frames that carry usage are parsed, and when the client did not ask for usage
 * that extra chunk is dropped so the client sees exactly the stream it asked for.
 */
import type { StreamTranslator } from './stream.js';
import type { JsonObject, SseEvent, Usage } from './types.js';
import { usageFromOpenai } from './translate/index.js';

const USAGE_OBJECT = /"usage"\s*:\s*\{/;
const USAGE_NULL = ',"usage":null';

export function openaiPassthroughStream(options: { keepUsageChunk: boolean }): StreamTranslator {
  let usage: Usage = { inputTokens: 0, outputTokens: 0 };
  return {
    push(event: SseEvent): string {
      const { data } = event;
      if (!USAGE_OBJECT.test(data)) {
        // Asking for usage makes OpenAI add `"usage":null` to every chunk; a client that did not ask never sees it.
        return options.keepUsageChunk || !data.includes(USAGE_NULL) ? `data: ${data}\n\n` : `data: ${data.replace(USAGE_NULL, '')}\n\n`;
      }
      let chunk: JsonObject;
      try {
        chunk = JSON.parse(data) as JsonObject;
      } catch {
        return `data: ${data}\n\n`; // not ours to judge: forward what the upstream sent
      }
      usage = usageFromOpenai(chunk.usage as JsonObject | undefined);
      if (options.keepUsageChunk) return `data: ${data}\n\n`;
      if (Array.isArray(chunk.choices) && chunk.choices.length === 0) return '';
      // Some servers attach usage to the last content chunk instead of sending a separate one.
      delete chunk.usage;
      return `data: ${JSON.stringify(chunk)}\n\n`;
    },
    end: () => '',
    get usage() {
      return usage;
    },
  };
}
