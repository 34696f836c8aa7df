/** Virtual (service) and personal API keys. */
export { VirtualKeys, type CreateKeyInput, type CreatedKey, type ListKeysFilter, type PersonalKeyOptions, type VirtualKeysOptions } from './virtual-keys.js';
export type { ApiKeyView } from './api-key-view.js';
export { parseLifetime } from './lifetime.js';
export { keySettingsChanged, virtualKeysFromConfig } from './from-config.js';
