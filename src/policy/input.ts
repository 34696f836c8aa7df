/**
 * What policy is evaluated over: who is calling, the HTTP request, and (for model calls) the LLM request.
 * The caller builds it once per request; criteria only read it.
 */
import type { Principal } from '../identity/principal.js';
import type { Endpoint, LlmRequest } from '../llm/types.js';
import { estimateInputTokens } from './input-tokens.js';

export interface RequestFacts {
  /** Upper-case HTTP method. */
  method: string;
  /** The URL path without the query string. */
  path: string;
  /** The client's address as the server sees it (after trusted proxies); may be IPv4-mapped IPv6. */
  sourceIp: string | undefined;
  /** Lower-case header names, as Node delivers them. */
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  now: Date;
}

export interface LlmFacts {
  /** The model group asked for. */
  model: string;
  /** The group's configured `tags`. */
  modelTags: readonly string[];
  endpoint: Endpoint;
  stream: boolean;
  hasTools: boolean;
  maxTokens: number | undefined;
  /** Estimated prompt size; a function so it is only computed when a rule asks, and then once. */
  inputTokens: () => number;
}

export interface PolicyInput {
  principal: Principal;
  request: RequestFacts;
  /** Absent for requests that are not model calls (the admin API). */
  llm?: LlmFacts;
}

/** The LLM facts of a parsed request, with the token estimate computed at most once. */
export function llmFacts(request: LlmRequest, modelTags: readonly string[]): LlmFacts {
  let tokens: number | undefined;
  return {
    model: request.model,
    modelTags,
    endpoint: request.endpoint,
    stream: request.stream,
    hasTools: request.hasTools,
    maxTokens: request.maxTokens,
    inputTokens: () => (tokens ??= estimateInputTokens(request.body)),
  };
}
