/**
 * Structured JSON logs (pino). Credentials can never reach a log line: headers that carry them are redacted
 * wherever they appear, and request bodies are not logged at all.
 */
import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

const REDACT = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["api-key"]',
  'headers["x-gatehouse-jwt-assertion"]',
  'api_key',
  '*.api_key',
  'secret',
];

export function createLogger(level: string, destination: pino.DestinationStream = pino.destination({ sync: false })): Logger {
  return pino({ level, base: { service: 'gatehouse' }, redact: { paths: REDACT, censor: '[redacted]' }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}
