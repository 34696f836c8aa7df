/**
 * Server-sent events, as both dialects stream them (https://html.spec.whatwg.org/multipage/server-sent-events.html).
 *
 * The parser sits on the path of every streamed response, so it scans lines with `indexOf` rather than byte by
 * byte, never rescans text it has already searched, and decodes UTF-8 incrementally so a character split across
 * network chunks is joined rather than mangled. Lines end in `\n` or `\r\n`; a lone `\r` ends a line only at the end
 * of the stream (no provider we speak to uses bare CR line endings). `id:` and `retry:` fields are ignored: neither
 * dialect uses them. As the specification says, an event still missing its blank line when the stream ends is
 * discarded, since its data may be cut short.
 */
import type { SseEvent } from './types.js';

export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  /**
   * The start of a line whose end has not arrived yet, in the pieces it came in. Kept as a list so a long line
   * (a large event in many small chunks) is joined once, not re-concatenated and re-searched at every chunk.
   */
  private pending: string[] = [];
  private eventName: string | undefined = undefined;
  private data = '';
  private hasData = false;

  push(chunk: Uint8Array | string): SseEvent[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const events: SseEvent[] = [];
    let newline = text.indexOf('\n');
    if (newline === -1) {
      if (text.length > 0) this.pending.push(text);
      return events;
    }
    let start = 0;
    if (this.pending.length > 0) {
      this.pending.push(text.slice(0, newline));
      this.line(withoutCr(this.pending.join('')), events);
      this.pending = [];
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    while (newline !== -1) {
      const end = newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
      this.line(text.slice(start, end), events);
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    if (start < text.length) this.pending.push(text.slice(start));
    return events;
  }

  /** The stream is over: flush the decoder and what is left of the last line. */
  end(): SseEvent[] {
    const events = this.push(this.decoder.decode());
    // A line left over ends in a bare CR or nothing; only a CR-terminated blank line completes the pending event.
    if (this.pending.join('') === '\r' && this.hasData) this.dispatch(events);
    this.pending = [];
    this.eventName = undefined;
    this.data = '';
    this.hasData = false;
    return events;
  }

  private line(line: string, events: SseEvent[]): void {
    if (line.length === 0) {
      if (this.hasData) this.dispatch(events);
      else this.eventName = undefined;
      return;
    }
    if (line.charCodeAt(0) === 58 /* ':' comment */) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') {
      this.data = this.hasData ? `${this.data}\n${value}` : value;
      this.hasData = true;
    } else if (field === 'event') {
      this.eventName = value;
    }
  }

  private dispatch(events: SseEvent[]): void {
    events.push(this.eventName === undefined || this.eventName === '' ? { data: this.data } : { event: this.eventName, data: this.data });
    this.eventName = undefined;
    this.data = '';
    this.hasData = false;
  }
}

function withoutCr(line: string): string {
  return line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
}

/** One event as wire text: `event: x\ndata: y\n\n`, with one `data:` line per line of data. */
export function formatSse(event: SseEvent): string {
  const head = event.event === undefined ? '' : `event: ${event.event}\n`;
  if (!/[\r\n]/.test(event.data)) return `${head}data: ${event.data}\n\n`;
  return `${head}${event.data
    .split(/\r\n|\r|\n/)
    .map((line) => `data: ${line}\n`)
    .join('')}\n`;
}
