/**
 * The base every OpenAI-compatible provider shares (OpenAI itself, Azure OpenAI, vLLM, Ollama, llama.cpp, Groq,
 * Together, Mistral, DeepSeek, OpenRouter…). A new compatible provider only says where each endpoint lives and
 * how it authenticates.
 */
import type { ProviderConfig, ProviderType } from '../../config/schema.js';
import type { Endpoint } from '../../llm/types.js';
import { UpstreamHttp } from '../http.js';
import type { Provider, UpstreamRequest, UpstreamResponse } from '../types.js';

const OPENAI_ENDPOINTS: ReadonlySet<Endpoint> = new Set(['chat', 'completions', 'embeddings']);

export const OPENAI_ENDPOINT_PATHS: Readonly<Record<Exclude<Endpoint, 'messages'>, string>> = {
  chat: '/chat/completions',
  completions: '/completions',
  embeddings: '/embeddings',
};

export interface CompatibleFlavour {
  type: ProviderType;
  baseUrl: string;
  /** The request path (after the base URL's own path) for an endpoint and upstream model. */
  path(endpoint: Exclude<Endpoint, 'messages'>, model: string): string;
  /** Authentication headers, computed once. */
  authHeaders: Record<string, string>;
}

export interface ProviderOptions {
  connectTimeoutMs: number;
}

export function createCompatibleProvider(name: string, config: ProviderConfig, options: ProviderOptions, flavour: CompatibleFlavour): Provider {
  const http = new UpstreamHttp({ baseUrl: flavour.baseUrl, connectTimeoutMs: options.connectTimeoutMs, maxConnections: config.max_connections });
  // Headers that never change are merged once; per-call headers are layered on top.
  const fixedHeaders = { ...config.headers, ...flavour.authHeaders };
  return {
    name,
    type: flavour.type,
    dialect: 'openai',
    config,
    audience: http.host,
    supports: (endpoint) => OPENAI_ENDPOINTS.has(endpoint),
    send(request: UpstreamRequest): Promise<UpstreamResponse> {
      if (request.endpoint === 'messages') throw new Error(`${flavour.type} providers do not serve the messages endpoint`);
      const headers = hasKeys(request.headers) ? { ...fixedHeaders, ...request.headers } : fixedHeaders;
      return http.post(flavour.path(request.endpoint, request.model), JSON.stringify(request.body), headers, request);
    },
    close: () => http.close(),
  };
}

function hasKeys(record: Record<string, string>): boolean {
  for (const _ in record) return true;
  return false;
}
