import { describe, expect, it } from 'vitest';
import { SseParser, formatSse } from '../../src/llm/sse.js';
import type { SseEvent } from '../../src/llm/types.js';

const encoder = new TextEncoder();

function parseInPieces(pieces: (Uint8Array | string)[]): SseEvent[] {
  const parser = new SseParser();
  const events = pieces.flatMap((piece) => parser.push(piece));
  return [...events, ...parser.end()];
}

const PAYLOAD = [
  ': keep-alive comment',
  'event: message_start',
  'data: {"type":"message_start","text":"héllo wörld — 你好 🌍"}',
  '',
  'data: {"n":1}',
  '',
  'event: multi',
  'data: first line',
  'data:second line',
  'data',
  '',
  'data: [DONE]',
  '',
  '',
].join('\n');

const EXPECTED: SseEvent[] = [
  { event: 'message_start', data: '{"type":"message_start","text":"héllo wörld — 你好 🌍"}' },
  { data: '{"n":1}' },
  { event: 'multi', data: 'first line\nsecond line\n' },
  { data: '[DONE]' },
];

describe('SseParser', () => {
  it('parses events, comments, event names and multi-line data', () => {
    expect(parseInPieces([PAYLOAD])).toEqual(EXPECTED);
  });

  it('gives the same events whatever byte the payload is split at, multibyte characters included', () => {
    const bytes = encoder.encode(PAYLOAD);
    for (let at = 0; at <= bytes.length; at++) {
      expect(parseInPieces([bytes.subarray(0, at), bytes.subarray(at)]), `split at byte ${at}`).toEqual(EXPECTED);
    }
  });

  it('gives the same events when fed one byte at a time', () => {
    const bytes = encoder.encode(PAYLOAD);
    expect(parseInPieces(Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)))).toEqual(EXPECTED);
  });

  it('handles CRLF line endings, including a CR and its LF in different chunks', () => {
    const crlf = encoder.encode(PAYLOAD.replaceAll('\n', '\r\n'));
    expect(parseInPieces([crlf])).toEqual(EXPECTED);
    for (let at = 0; at <= crlf.length; at++) {
      expect(parseInPieces([crlf.subarray(0, at), crlf.subarray(at)]), `split at byte ${at}`).toEqual(EXPECTED);
    }
  });

  it('joins a 4-byte character split in three chunks', () => {
    const bytes = encoder.encode('data: 🌍\n\n');
    expect(parseInPieces([bytes.subarray(0, 7), bytes.subarray(7, 8), bytes.subarray(8)])).toEqual([{ data: '🌍' }]);
  });

  it('returns events as soon as their blank line arrives', () => {
    const parser = new SseParser();
    expect(parser.push('data: a\n')).toEqual([]);
    expect(parser.push('\ndata: b')).toEqual([{ data: 'a' }]);
    expect(parser.push('\n\n')).toEqual([{ data: 'b' }]);
  });

  it('discards an event the stream cut off before its blank line', () => {
    expect(parseInPieces(['data: {"complete":true}\n\n', 'data: {"cut":'])).toEqual([{ data: '{"complete":true}' }]);
    expect(parseInPieces(['data: {"complete":true}\n\ndata: {"cut":true}\n'])).toEqual([{ data: '{"complete":true}' }]);
  });

  it('completes an event whose final blank line ends in a bare CR at the end of the stream', () => {
    expect(parseInPieces(['data: x\r\n\r'])).toEqual([{ data: 'x' }]);
  });

  it('ignores an event with no data and unknown fields', () => {
    expect(parseInPieces(['event: ping\n\nid: 7\nretry: 100\ndata: y\n\n'])).toEqual([{ data: 'y' }]);
  });

  it('keeps a value without the space after the colon, and removes only one space', () => {
    expect(parseInPieces(['data:x\n\ndata:  y\n\n'])).toEqual([{ data: 'x' }, { data: ' y' }]);
  });

  it('is reusable after end()', () => {
    const parser = new SseParser();
    parser.push('data: partial');
    parser.end();
    expect(parser.push('data: next\n\n')).toEqual([{ data: 'next' }]);
  });
});

describe('formatSse', () => {
  it('writes an event line only when the event has a name', () => {
    expect(formatSse({ data: '{"a":1}' })).toBe('data: {"a":1}\n\n');
    expect(formatSse({ event: 'message_stop', data: '{"type":"message_stop"}' })).toBe('event: message_stop\ndata: {"type":"message_stop"}\n\n');
  });

  it('writes one data line per line of data, so the parser reads the same event back', () => {
    const event = { event: 'multi', data: 'one\ntwo\r\nthree' };
    expect(formatSse(event)).toBe('event: multi\ndata: one\ndata: two\ndata: three\n\n');
    expect(new SseParser().push(formatSse(event))).toEqual([{ event: 'multi', data: 'one\ntwo\nthree' }]);
  });
});
