/**
 * The one interface every provider adapter implements. An adapter knows its endpoint URLs, its headers and its
 * native dialect; it does not know about routing, retries or the client's dialect.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ProviderConfig, ProviderType } from '../config/schema.js';
import type { Dialect, Endpoint, JsonObject } from '../llm/types.js';

/** A response body: iterable chunk by chunk for streams, or read whole. */
export interface UpstreamBody extends AsyncIterable<Uint8Array> {
  text(): Promise<string>;
  /** Discard the rest of the body, releasing the connection. */
  dump(): Promise<void>;
}

export interface UpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: UpstreamBody;
}

/** One call to one deployment, already in the provider's dialect. */
export interface UpstreamRequest {
  /** The provider-side endpoint: `chat`/`completions`/`embeddings` for OpenAI-dialect providers, `messages` for Anthropic. */
  endpoint: Endpoint;
  /** The upstream model (deployment) name; already set in `body.model` as well. */
  model: string;
  body: JsonObject;
  stream: boolean;
  /** Extra headers for this call (identity assertion, forwarded `anthropic-beta`, …). */
  headers: Record<string, string>;
  /** Aborts on client disconnect and on the total timeout. */
  signal: AbortSignal;
  /** Time allowed until response headers arrive. */
  firstByteTimeoutMs: number;
}

export interface Provider {
  readonly name: string;
  readonly type: ProviderType;
  /** The wire dialect this provider speaks natively. */
  readonly dialect: Dialect;
  readonly config: ProviderConfig;
  /** The upstream host (`api.openai.com`, `127.0.0.1:9000`): the `aud` of the identity assertion it receives. */
  readonly audience: string;
  /** Which provider-side endpoints this provider serves. */
  supports(endpoint: Endpoint): boolean;
  send(request: UpstreamRequest): Promise<UpstreamResponse>;
  /** Close pooled connections (on shutdown or when a reload drops the provider). */
  close(): Promise<void>;
}
