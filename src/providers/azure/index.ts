/**
 * Azure OpenAI: the deployment name is part of the URL, the API version a query parameter, and the key goes in
 * an `api-key` header. `base_url` is the resource endpoint, e.g. https://NAME.openai.azure.com.
 */
import type { ProviderConfig } from '../../config/schema.js';
import { createCompatibleProvider, OPENAI_ENDPOINT_PATHS, type ProviderOptions } from '../openai/compatible.js';
import type { Provider } from '../types.js';

export function createAzureProvider(name: string, config: ProviderConfig, options: ProviderOptions): Provider {
  // The schema guarantees both for azure providers.
  const baseUrl = (config.base_url ?? '').replace(/\/+$/, '').replace(/\/openai$/, '');
  const version = encodeURIComponent(config.api_version ?? '');
  return createCompatibleProvider(name, config, options, {
    type: 'azure',
    baseUrl,
    path: (endpoint, model) => `/openai/deployments/${encodeURIComponent(model)}${OPENAI_ENDPOINT_PATHS[endpoint]}?api-version=${version}`,
    authHeaders: config.api_key ? { 'api-key': config.api_key } : {},
  });
}
