/** Building blocks of policy tests: principals and inputs with everything defaulted, and one-criterion rules. */
import { ANONYMOUS, type Principal } from '../../src/identity/principal.js';
import type { LlmFacts, PolicyInput, RequestFacts } from '../../src/policy/input.js';
import { compilePolicy, type CompiledPolicy } from '../../src/policy/compile.js';
import { evaluate } from '../../src/policy/evaluate.js';

export function principal(overrides: Partial<Principal> = {}): Principal {
  return {
    authenticated: true,
    authMethod: 'jwt',
    subject: 'alice',
    email: 'alice@example.com',
    name: 'Alice',
    groups: ['ml-senior'],
    claims: { department: 'research' },
    keyId: undefined,
    team: undefined,
    allowedModels: undefined,
    admin: false,
    ...overrides,
  };
}

export interface InputOverrides {
  principal?: Partial<Principal> | 'anonymous';
  request?: Partial<RequestFacts>;
  llm?: Partial<LlmFacts> | 'none';
}

export function input(overrides: InputOverrides = {}): PolicyInput {
  const who = overrides.principal === 'anonymous' ? ANONYMOUS : principal(overrides.principal);
  const request: RequestFacts = { method: 'POST', path: '/v1/chat/completions', sourceIp: '10.1.2.3', headers: {}, now: new Date('2026-01-05T10:00:00Z'), ...overrides.request };
  if (overrides.llm === 'none') return { principal: who, request };
  const llm: LlmFacts = { model: 'gpt-4o', modelTags: ['premium'], endpoint: 'chat', stream: false, hasTools: false, maxTokens: undefined, inputTokens: () => 100, ...overrides.llm };
  return { principal: who, request, llm };
}

/** A policy of one allow rule whose condition is `{ [criterion]: value }`. */
export function allowWhen(condition: Record<string, unknown>): CompiledPolicy {
  return compilePolicy([{ name: 'under test', allow: condition }]);
}

/** Whether `condition` holds for `overrides`. */
export function holds(condition: Record<string, unknown>, overrides: InputOverrides = {}): boolean {
  return evaluate(allowWhen(condition), input(overrides)).allow;
}
