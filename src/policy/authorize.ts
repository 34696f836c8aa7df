/**
 * The authorize stage. Until a config carries `policies`, Gatehouse applies its one built-in rule (DESIGN.md,
 * "Policy language"): any authenticated principal may use any model. A key restricted to some models (its
 * `allowed_models`) narrows that further, whatever policy says. The policy language plugs in here.
 */
import type { Principal } from '../identity/principal.js';
import type { LlmRequest } from '../llm/types.js';
import type { Decision } from './decision.js';

export const DEFAULT_RULE = 'any authenticated principal may use any model';
const KEY_RULE = "the key's allowed models";

const ALLOW: Decision = Object.freeze({ allow: true, matchedRules: Object.freeze([DEFAULT_RULE]), message: undefined });
const DENY: Decision = Object.freeze({ allow: false, matchedRules: Object.freeze([]), message: 'Authentication required.' });

export function authorize(principal: Principal, request: LlmRequest): Decision {
  if (!principal.authenticated) return DENY;
  if (!mayUseModel(principal, request.model)) {
    return { allow: false, matchedRules: [KEY_RULE], message: `This key may not use the model "${request.model}".` };
  }
  return ALLOW;
}

/** Whether the credential itself allows this model group (for /v1/models and the authorize stage). */
export function mayUseModel(principal: Principal, model: string): boolean {
  return principal.allowedModels === undefined || principal.allowedModels.includes(model);
}
