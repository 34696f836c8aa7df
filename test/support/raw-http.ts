/**
 * Plain HTTP against the gateway, for what the SDKs cannot send (no key, broken JSON) or hide (the raw SSE
 * frames of a stream).
 */
import { SseParser } from '../../src/llm/sse.js';
import type { JsonObject, SseEvent } from '../../src/llm/types.js';
import { GATEWAY_KEY } from './config.js';

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** POST `body` (a string is sent as is, anything else as JSON) with the gateway key unless `headers` says otherwise. */
export async function post(url: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${GATEWAY_KEY}` }): Promise<RawResponse> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The SSE events of a whole response text. */
export function sseEvents(text: string): SseEvent[] {
  const parser = new SseParser();
  return [...parser.push(new TextEncoder().encode(text)), ...parser.end()];
}

/** The JSON data of every event but `[DONE]`. */
export function sseData(text: string): JsonObject[] {
  return sseEvents(text)
    .filter((event) => event.data !== '[DONE]')
    .map((event) => JSON.parse(event.data) as JsonObject);
}
