/**
 * Pipes an upstream SSE stream to the client chunk by chunk: parse events only as far as the translator needs,
 * honour the client socket's backpressure, and when the upstream breaks or times out mid-stream, end the client's
 * stream with an error event in its own dialect (the status line is long gone by then).
 */
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { ERROR_CODES, type ErrorCode } from '../errors.js';
import { SseParser } from '../llm/sse.js';
import { StreamedOutput } from '../llm/streamed-output.js';
import type { StreamTranslator } from '../llm/stream.js';
import type { Dialect, SseEvent, Usage } from '../llm/types.js';
import type { UpstreamBody } from '../providers/types.js';
import { UpstreamFailure } from '../providers/upstream-failure.js';

export interface StreamOutcome {
  usage: Usage;
  /** Milliseconds from the start of piping to the first byte written to the client, if any was. */
  firstWriteMs: number | undefined;
  /** Why the stream ended early: the client left, the upstream broke, or the total timeout fired. */
  interruptedBy: 'client' | 'upstream' | 'timeout' | undefined;
  /** Everything written to the client, when asked for (a `log_prompts` obligation). */
  captured: string | undefined;
  /** Output tokens estimated from the text written to the client: what to charge when usage never came. */
  deliveredTokens: number;
}

export async function pipeStream(res: ServerResponse, body: UpstreamBody, translator: StreamTranslator, options: { dialect: Dialect; signal: AbortSignal; headers: Record<string, string>; capture?: boolean }): Promise<StreamOutcome> {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no', ...options.headers });
  res.flushHeaders();
  const parser = new SseParser();
  const started = performance.now();
  let firstWriteMs: number | undefined;
  let captured = options.capture ? '' : undefined;
  const delivered = new StreamedOutput();
  const write = async (text: string): Promise<void> => {
    if (text.length === 0 || res.destroyed) return;
    if (captured !== undefined) captured += text;
    delivered.add(text);
    firstWriteMs ??= performance.now() - started;
    if (!res.write(text)) await once(res, 'drain', { signal: options.signal });
  };
  let interruptedBy: StreamOutcome['interruptedBy'];
  try {
    // Everything one upstream chunk translates to goes out in one write: a write per event costs a syscall each.
    for await (const chunk of body) await write(translateAll(parser.push(chunk), translator));
    await write(translateAll(parser.end(), translator) + translator.end());
  } catch (error) {
    interruptedBy = classify(error, options.signal);
    if (interruptedBy !== 'client') {
      const code: ErrorCode = interruptedBy === 'timeout' ? 'GH_ERR_UPSTREAM_TIMEOUT' : 'GH_ERR_UPSTREAM_ERROR';
      if (!res.destroyed) res.write(errorEvent(options.dialect, code));
    }
  } finally {
    if (!res.destroyed) res.end();
  }
  return { usage: translator.usage, firstWriteMs, interruptedBy, captured, deliveredTokens: delivered.tokens };
}

function translateAll(events: readonly SseEvent[], translator: StreamTranslator): string {
  let out = '';
  for (const event of events) out += translator.push(event);
  return out;
}

function classify(error: unknown, signal: AbortSignal): 'client' | 'upstream' | 'timeout' {
  if (signal.aborted) return signal.reason instanceof UpstreamFailure ? 'timeout' : 'client';
  return error instanceof UpstreamFailure && error.kind === 'timeout' ? 'timeout' : 'upstream';
}

function errorEvent(dialect: Dialect, code: ErrorCode): string {
  const spec = ERROR_CODES[code];
  if (dialect === 'anthropic') return `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: spec.anthropicType, message: spec.message } })}\n\n`;
  return `data: ${JSON.stringify({ error: { message: spec.message, type: spec.openaiType, param: null, code: code.toLowerCase() } })}\n\n`;
}
