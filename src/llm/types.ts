/**
 * The canonical vocabulary of the LLM data plane.
 *
 * Gatehouse speaks two client dialects (OpenAI and Anthropic). A request is parsed into an `LlmRequest` that keeps
 * the client's own body: same-dialect traffic forwards it untouched (so fields we do not know survive), and only
 * cross-dialect traffic is translated, with OpenAI chat-completions as the canonical shape in between.
 */

export type Dialect = 'openai' | 'anthropic';

/** What a client called. `chat`, `completions` and `embeddings` are OpenAI's; `messages` is Anthropic's. */
export type Endpoint = 'chat' | 'completions' | 'embeddings' | 'messages';

export const ENDPOINT_DIALECT: Readonly<Record<Endpoint, Dialect>> = {
  chat: 'openai',
  completions: 'openai',
  embeddings: 'openai',
  messages: 'anthropic',
};

export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue | undefined;
}

/** A parsed, validated client request. */
export interface LlmRequest {
  endpoint: Endpoint;
  dialect: Dialect;
  /** The model group the client asked for. */
  model: string;
  stream: boolean;
  /** OpenAI streams: did the client itself ask for the final usage chunk (`stream_options.include_usage`)? */
  clientWantsStreamUsage: boolean;
  /** `max_tokens` / `max_completion_tokens` when the client set it. */
  maxTokens: number | undefined;
  /** Whether the request offers tools to the model. */
  hasTools: boolean;
  /** The client's body, exactly as sent (after JSON parsing). */
  body: JsonObject;
}

/** Token usage read from an upstream response or stream. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens served from the provider's prompt cache (part of inputTokens). */
  cacheReadTokens?: number;
  /** Input tokens written to the provider's prompt cache (part of inputTokens). */
  cacheWriteTokens?: number;
}

export const ZERO_USAGE: Readonly<Usage> = Object.freeze({ inputTokens: 0, outputTokens: 0 });

/** One server-sent event. `event` is absent for OpenAI streams, which only use `data`. */
export interface SseEvent {
  event?: string;
  data: string;
}
