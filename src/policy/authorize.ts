/**
 * The authorize stage: the compiled policy (or, without a `policies` key, the built-in rule "any authenticated
 * principal may use any model") evaluated over the caller, the HTTP request and the LLM request. A key or a team
 * restricted to some models (`allowed_models`) narrows that further, whatever policy says.
 */
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../identity/principal.js';
import type { LlmRequest } from '../llm/types.js';
import type { CompiledPolicy } from './compile.js';
import type { Decision } from './decision.js';
import { evaluate } from './evaluate.js';
import { llmFacts, type LlmFacts, type RequestFacts } from './input.js';
import { NO_OBLIGATIONS } from './obligations.js';
import { anyDeploymentAllowed } from './routable.js';
import type { ModelGroup } from '../router/types.js';

const KEY_RULE = "the key's or team's allowed models";

export function authorize(policy: CompiledPolicy, principal: Principal, request: RequestFacts, llm: LlmRequest, modelTags: readonly string[]): Decision {
  if (!mayUseModel(principal, llm.model)) {
    return { allow: false, matchedRules: [KEY_RULE], message: `The model "${llm.model}" is not among the models your key or team may use.`, obligations: NO_OBLIGATIONS };
  }
  return evaluate(policy, { principal, request, llm: llmFacts(llm, modelTags) });
}

/**
 * Whether /v1/models lists a model group to this caller: policy allows a plain chat call to it, and its route
 * obligations leave the caller some deployment of it.
 */
export function mayList(policy: CompiledPolicy, principal: Principal, request: RequestFacts, group: ModelGroup, groupNamed: (name: string) => ModelGroup | undefined): boolean {
  if (!mayUseModel(principal, group.name)) return false;
  const llm: LlmFacts = { model: group.name, modelTags: group.tags, endpoint: 'chat', stream: false, hasTools: false, maxTokens: undefined, inputTokens: () => 0 };
  const decision = evaluate(policy, { principal, request, llm });
  return decision.allow && anyDeploymentAllowed(decision.obligations.route, group, groupNamed);
}

/** Whether the credential itself allows this model group. */
export function mayUseModel(principal: Principal, model: string): boolean {
  return principal.allowedModels === undefined || principal.allowedModels.includes(model);
}

/** The HTTP facts policy reads, taken once per request. */
export function requestFacts(req: FastifyRequest): RequestFacts {
  const query = req.url.indexOf('?');
  return { method: req.method, path: query === -1 ? req.url : req.url.slice(0, query), sourceIp: req.ip, headers: req.headers, now: new Date() };
}
