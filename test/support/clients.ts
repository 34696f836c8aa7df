/**
 * The real SDKs, pointed at a test gateway. SDK retries are off: the gateway's own retries are under test, and an
 * SDK retry would hide them (and double every upstream count).
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { GATEWAY_KEY } from './config.js';
import type { ResponseLog } from './response-log.js';

export interface ClientOptions {
  apiKey?: string;
  /** Keep a copy of every response body. */
  log?: ResponseLog;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
}

export function openaiClient(gateway: { url: string }, options: ClientOptions = {}): OpenAI {
  return new OpenAI({
    apiKey: options.apiKey ?? GATEWAY_KEY,
    baseURL: `${gateway.url}/v1`,
    maxRetries: 0,
    timeout: 20_000,
    ...(options.log && { fetch: options.log.fetch }),
    ...(options.headers && { defaultHeaders: options.headers }),
  });
}

export function anthropicClient(gateway: { url: string }, options: ClientOptions = {}): Anthropic {
  return new Anthropic({
    apiKey: options.apiKey ?? GATEWAY_KEY,
    baseURL: gateway.url,
    maxRetries: 0,
    timeout: 20_000,
    ...(options.log && { fetch: options.log.fetch }),
    ...(options.headers && { defaultHeaders: options.headers }),
  });
}
