/** OpenAI and every server that speaks its API at a `base_url` (vLLM, Ollama, llama.cpp, Groq, Together, …). */
import type { ProviderConfig } from '../../config/schema.js';
import type { Provider } from '../types.js';
import { createCompatibleProvider, OPENAI_ENDPOINT_PATHS, type ProviderOptions } from './compatible.js';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export function createOpenaiProvider(name: string, config: ProviderConfig, options: ProviderOptions): Provider {
  return createCompatibleProvider(name, config, options, {
    type: 'openai',
    baseUrl: config.base_url ?? OPENAI_DEFAULT_BASE_URL,
    path: (endpoint) => OPENAI_ENDPOINT_PATHS[endpoint],
    // Local servers (Ollama, vLLM without --api-key) take no key: send no Authorization header at all then.
    authHeaders: config.api_key ? { authorization: `Bearer ${config.api_key}` } : {},
  });
}
