/** DESIGN.md's policy example, loaded through the config loader, for alice (ml-senior) and bob (legal). */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { compilePolicy } from '../../src/policy/compile.js';
import { evaluate } from '../../src/policy/evaluate.js';
import { explainRequest } from '../../src/policy/explain-request.js';
import { bucketOf } from '../../src/policy/obligations.js';
import { DESIGN_CONFIG } from './design-config.js';
import { input } from './inputs.js';

const config = parseConfig(DESIGN_CONFIG);
const policy = compilePolicy(config.policies);
const tagsOf = (model: string) => config.models.find((group) => group.name === model)?.tags ?? [];

const alice = { subject: 'alice', email: 'alice@example.com', groups: ['ml-senior'], claims: { department: 'research' } };
const bob = { subject: 'bob', email: 'bob@example.com', groups: ['staff'], claims: { department: 'legal' } };

describe('DESIGN.md policy example', () => {
  it('lets alice (ml-senior) reach premium models', () => {
    const decision = evaluate(policy, input({ principal: alice, llm: { model: 'gpt-4o', modelTags: tagsOf('gpt-4o') } }));
    expect(decision.allow).toBe(true);
    expect(decision.allowRules).toEqual(['employees']);
    expect(decision.obligations.route.regions).toBeUndefined();
  });

  it('refuses bob premium models, with the rule’s message', () => {
    const decision = evaluate(policy, input({ principal: bob, llm: { model: 'gpt-4o', modelTags: tagsOf('gpt-4o') } }));
    expect(decision).toMatchObject({ allow: false, reason: 'denied_by_rule', message: 'Premium models need the ml-senior group.' });
  });

  it('lets bob use other models, only in the EU, with his limits and his department’s budget', () => {
    const decision = evaluate(policy, input({ principal: bob, llm: { model: 'gpt-4o-mini', modelTags: tagsOf('gpt-4o-mini') } }));
    expect(decision.allow).toBe(true);
    expect(decision.obligations.route).toEqual({ regions: ['eu'], providers: undefined });
    expect(decision.obligations.limits).toEqual([{ rule: 'per-user limits', per: 'user', rpm: 60, tpm: 200000, concurrent: undefined }]);
    expect(decision.obligations.budgets).toEqual([{ rule: 'department budgets', per: 'claim/department', usd: 500, period: 'month' }]);
    const [budget] = decision.obligations.budgets;
    expect(bucketOf(budget!.per, decision.input.principal, 'gpt-4o-mini')).toBe('claim/department:legal');
  });

  it('denies callers outside the company domain', () => {
    const decision = evaluate(policy, input({ principal: { ...alice, email: 'alice@partner.org' } }));
    expect(decision).toMatchObject({ allow: false, reason: 'no_allow_rule' });
  });

  it('explains the same decisions from a described request', () => {
    const forBob = explainRequest(config, { principal: { sub: 'bob', email: 'bob@example.com', groups: ['staff'], department: 'legal' }, model: 'gpt-4o' });
    expect(forBob.decision).toBe('deny');
    expect(forBob.input.model_tags).toEqual(['premium']);
    const forAlice = explainRequest(config, { principal: { email: 'alice@example.com', groups: ['ml-senior'] }, model: 'gpt-4o' });
    expect(forAlice.decision).toBe('allow');
  });
});
