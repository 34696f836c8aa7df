/** Test support: recorded upstream streams in, translated SSE text out and parsed back into frames. */
import { readFileSync } from 'node:fs';
import { SseParser } from '../../../src/llm/sse.js';
import type { StreamTranslator } from '../../../src/llm/stream.js';
import type { JsonObject, SseEvent } from '../../../src/llm/types.js';

export interface Frame {
  event?: string;
  /** The parsed JSON, or the literal `[DONE]`. */
  data: JsonObject | '[DONE]';
}

export function fixtureEvents(name: string): SseEvent[] {
  const parser = new SseParser();
  const text = readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8');
  return [...parser.push(text), ...parser.end()];
}

/** Feed every event, then end the stream, returning all the text the client would receive. */
export function translateAll(translator: StreamTranslator, events: SseEvent[]): string {
  return events.map((event) => translator.push(event)).join('') + translator.end();
}

/** Parse translated text back; it must be well-formed SSE whose data is JSON or `[DONE]`. */
export function framesOf(text: string): Frame[] {
  const parser = new SseParser();
  const events = [...parser.push(text), ...parser.end()];
  if (text.length > 0 && !text.endsWith('\n\n')) throw new Error('the stream does not end with a complete frame');
  return events.map((event) => {
    const data = event.data === '[DONE]' ? '[DONE]' : (JSON.parse(event.data) as JsonObject);
    return event.event === undefined ? { data } : { event: event.event, data };
  });
}
