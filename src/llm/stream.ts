/**
 * A stream translator consumes the upstream's server-sent events one at a time and produces the bytes the client
 * receives, reading usage on the way. Same-dialect streams use a passthrough translator that forwards frames
 * untouched; cross-dialect streams re-encode each event.
 */
import type { SseEvent, Usage } from './types.js';

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | null;

export interface StreamTranslator {
  /** Consume one upstream event; return the SSE text to send to the client ('' for nothing). */
  push(event: SseEvent): string;
  /** The upstream stream ended (or was cut off); return any closing frames the client still needs. */
  end(): string;
  /** Usage seen so far; for a stream cut short, what was reported or counted up to that point. */
  readonly usage: Usage;
}
