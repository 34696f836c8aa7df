/**
 * The authorize stage. Until a config carries `policies`, Gatehouse applies its one built-in rule (DESIGN.md,
 * "Policy language"): any authenticated principal may use any model. The policy language plugs in here.
 */
import type { Principal } from '../identity/principal.js';
import type { LlmRequest } from '../llm/types.js';
import type { Decision } from './decision.js';

export const DEFAULT_RULE = 'any authenticated principal may use any model';

const ALLOW: Decision = Object.freeze({ allow: true, matchedRules: Object.freeze([DEFAULT_RULE]), message: undefined });
const DENY: Decision = Object.freeze({ allow: false, matchedRules: Object.freeze([]), message: 'Authentication required.' });

export function authorize(principal: Principal, _request: LlmRequest): Decision {
  return principal.authenticated ? ALLOW : DENY;
}
