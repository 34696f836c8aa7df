/**
 * Anthropic stream → Anthropic client: every event is forwarded as it came, and usage is read on the way from
 * `message_start` (input and cache counts) and `message_delta` (cumulative totals). Only those two events are
 * parsed; a cut-off stream stays cut off, exactly as the upstream ended it.
 */
import { formatSse } from '../sse.js';
import type { StreamTranslator } from '../stream.js';
import type { SseEvent, Usage } from '../types.js';
import { parseObject } from './json-read.js';
import { AnthropicUsageTracker } from './usage.js';

export function anthropicPassthroughStream(): StreamTranslator {
  const tracker = new AnthropicUsageTracker();
  return {
    push(event: SseEvent): string {
      const name = event.event;
      if (name === 'message_start' || name === 'message_delta' || name === undefined) {
        const data = parseObject(event.data);
        if (data && (data.type === 'message_start' || data.type === 'message_delta')) tracker.event(data);
      }
      return formatSse(event);
    },
    end(): string {
      return '';
    },
    get usage(): Usage {
      return tracker.usage;
    },
  };
}
