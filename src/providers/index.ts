/** The provider registry: one factory per provider `type`, chosen by an exhaustive switch. */
import type { ProviderConfig } from '../config/schema.js';
import { createAnthropicProvider } from './anthropic/index.js';
import { createAzureProvider } from './azure/index.js';
import { createMockProvider } from './mock/index.js';
import { createOpenaiProvider } from './openai/index.js';
import type { Provider } from './types.js';

export interface ProviderFactoryOptions {
  connectTimeoutMs: number;
}

export function createProvider(name: string, config: ProviderConfig, options: ProviderFactoryOptions): Provider {
  switch (config.type) {
    case 'openai':
      return createOpenaiProvider(name, config, options);
    case 'azure':
      return createAzureProvider(name, config, options);
    case 'anthropic':
      return createAnthropicProvider(name, config, options);
    case 'mock':
      return createMockProvider(name, config);
  }
}

export type { Provider, UpstreamRequest, UpstreamResponse } from './types.js';
