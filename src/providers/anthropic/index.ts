/**
 * Anthropic's Messages API (api.anthropic.com, or any server that speaks it at a `base_url`). The adapter only
 * knows where `/v1/messages` lives and how to authenticate; translation from other dialects happens before it.
 */
import type { ProviderConfig } from '../../config/schema.js';
import { GatehouseError } from '../../errors.js';
import { UpstreamHttp } from '../http.js';
import type { Provider, UpstreamRequest, UpstreamResponse } from '../types.js';

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';
/** Sent unless the client chose its own version, which the pipeline forwards in `request.headers`. */
export const ANTHROPIC_VERSION = '2023-06-01';

export interface AnthropicProviderOptions {
  connectTimeoutMs: number;
}

/** `https://host` and `https://host/v1` both mean the API root `https://host/v1`; other path prefixes are kept. */
export function anthropicApiRoot(baseUrl: string | undefined): string {
  const trimmed = (baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL).replace(/\/+$/, '');
  return trimmed.endsWith('/v1') ? trimmed : `${trimmed}/v1`;
}

export function createAnthropicProvider(name: string, config: ProviderConfig, options: AnthropicProviderOptions): Provider {
  const http = new UpstreamHttp({ baseUrl: anthropicApiRoot(config.base_url), connectTimeoutMs: options.connectTimeoutMs, maxConnections: config.max_connections });
  // Header names are compared lower-cased, so a per-call `Anthropic-Version` replaces the default instead of
  // travelling beside it. The configured key is applied last: nothing per call can swap the credential.
  const auth: Record<string, string> = config.api_key ? { 'x-api-key': config.api_key } : {};
  const fixedHeaders = { ...lowerCased({ 'anthropic-version': ANTHROPIC_VERSION, ...config.headers }), ...auth };
  return {
    name,
    type: config.type,
    dialect: 'anthropic',
    config,
    audience: http.host,
    supports: (endpoint) => endpoint === 'messages',
    send(request: UpstreamRequest): Promise<UpstreamResponse> {
      if (request.endpoint !== 'messages') {
        const detail = `provider ${name} serves only the messages endpoint, not ${request.endpoint}`;
        return Promise.reject(new GatehouseError('GH_ERR_ENDPOINT_UNSUPPORTED', undefined, { detail }));
      }
      const headers = Object.keys(request.headers).length === 0 ? fixedHeaders : { ...fixedHeaders, ...lowerCased(request.headers), ...auth };
      return http.post('/messages', JSON.stringify(request.body), headers, request);
    },
    close: () => http.close(),
  };
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) out[key.toLowerCase()] = value;
  return out;
}
