/** Evaluation semantics: default deny, the built-in rule, deny over allow, messages, obligations together. */
import { describe, expect, it } from 'vitest';
import { BUILT_IN_RULE, compilePolicy } from '../../src/policy/compile.js';
import { DEFAULT_DENY_MESSAGE, evaluate } from '../../src/policy/evaluate.js';
import { bucketOf, routeAllows } from '../../src/policy/obligations.js';
import { input, principal } from './inputs.js';

describe('evaluate', () => {
  it('without a policies key, any authenticated principal may use any model', () => {
    const policy = compilePolicy(undefined);
    expect(policy.builtIn).toBe(true);
    const allowed = evaluate(policy, input());
    expect(allowed).toMatchObject({ allow: true, reason: 'allowed', matchedRules: [BUILT_IN_RULE] });
    expect(evaluate(policy, input({ principal: 'anonymous' }))).toMatchObject({ allow: false, reason: 'no_allow_rule' });
  });

  it('with policies: [] denies everything', () => {
    const decision = evaluate(compilePolicy([]), input());
    expect(decision).toMatchObject({ allow: false, reason: 'no_allow_rule', message: DEFAULT_DENY_MESSAGE, matchedRules: [] });
  });

  it('denies by default when no allow rule matches', () => {
    const policy = compilePolicy([{ name: 'bob only', allow: { user: 'bob' } }]);
    expect(evaluate(policy, input())).toMatchObject({ allow: false, reason: 'no_allow_rule', message: DEFAULT_DENY_MESSAGE });
  });

  it('lets a matching deny win over a matching allow, with the first deny rule’s message', () => {
    const policy = compilePolicy([
      { name: 'everyone', allow: { authenticated_user: true } },
      { name: 'no gpt-4o', deny: { model: 'gpt-4o' }, message: 'Not this model.' },
      { name: 'no premium', deny: { model_tags: 'premium' }, message: 'Not premium.' },
      { name: 'silent', deny: { user: 'alice' } },
    ]);
    const decision = evaluate(policy, input());
    expect(decision).toMatchObject({ allow: false, reason: 'denied_by_rule', message: 'Not this model.' });
    expect(decision.denyRules).toEqual(['no gpt-4o', 'no premium', 'silent']);
    expect(decision.allowRules).toEqual(['everyone']);
    expect(evaluate(policy, input({ llm: { model: 'x', modelTags: [] } })).message).toBe(DEFAULT_DENY_MESSAGE);
  });

  it('intersects routes, keeps every limit and budget with its rule, and logs prompts if any rule says so', () => {
    const policy = compilePolicy([
      { name: 'all', allow: { authenticated_user: true } },
      { name: 'eu or us', when: { authenticated_user: true }, route: { regions: ['eu', 'us'], providers: ['openai', 'azure-eu'] }, limits: [{ per: 'user', rpm: 60 }] },
      { name: 'eu only', when: { 'claim/department': 'legal' }, route: { regions: ['eu'] }, budgets: [{ per: 'team', usd: 10, period: 'day' }], log_prompts: true },
      { name: 'azure', when: { authenticated_user: true }, route: { providers: ['azure-eu'] }, limits: [{ per: 'global', concurrent: 5 }] },
      { name: 'never', when: { user: 'nobody' }, route: { regions: [] } },
    ]);
    const legal = evaluate(policy, input({ principal: { claims: { department: 'legal' } } }));
    expect(legal.obligations.route).toEqual({ regions: ['eu'], providers: ['azure-eu'] });
    expect(legal.obligations.limits.map((limit) => [limit.rule, limit.per])).toEqual([['eu or us', 'user'], ['azure', 'global']]);
    expect(legal.obligations.budgets).toEqual([{ rule: 'eu only', per: 'team', usd: 10, period: 'day' }]);
    expect(legal.obligations.logPrompts).toBe(true);
    expect(legal.whenRules).toEqual(['eu or us', 'eu only', 'azure']);

    const other = evaluate(policy, input());
    expect(other.obligations.route).toEqual({ regions: ['eu', 'us'], providers: ['azure-eu'] });
    expect(other.obligations.logPrompts).toBe(false);
  });

  it('tells "no constraint" from "nothing allowed"', () => {
    const policy = compilePolicy([
      { name: 'all', allow: { authenticated_user: true } },
      { name: 'eu', when: { authenticated_user: true }, route: { regions: ['eu'] } },
      { name: 'us', when: { user: 'alice' }, route: { regions: ['us'] } },
    ]);
    const alice = evaluate(policy, input());
    expect(alice.obligations.route).toEqual({ regions: [], providers: undefined });
    expect(routeAllows(alice.obligations.route, 'openai', 'eu')).toBe(false);
    const bob = evaluate(policy, input({ principal: { subject: 'bob' } }));
    expect(routeAllows(bob.obligations.route, 'openai', 'eu')).toBe(true);
    expect(routeAllows(bob.obligations.route, 'openai', undefined)).toBe(false);
    expect(routeAllows(evaluate(compilePolicy(undefined), input()).obligations.route, 'openai', undefined)).toBe(true);
  });

  it('gives the same answer from remembered outcomes as from fresh ones', () => {
    const policy = compilePolicy([
      { name: 'a', allow: { groups: 'a' } },
      { name: 'b', deny: { groups: 'b' }, message: 'no b' },
      { name: 'c', when: { groups: 'c' }, limits: [{ per: 'user', rpm: 1 }] },
    ]);
    const combos = [[], ['a'], ['b'], ['a', 'b'], ['a', 'c'], ['c']];
    for (let round = 0; round < 3; round++) {
      for (const groups of combos) {
        const decision = evaluate(policy, input({ principal: { groups } }));
        expect(decision.allow).toBe(groups.includes('a') && !groups.includes('b'));
        expect(decision.matchedRules).toEqual(['a', 'b', 'c'].filter((name) => groups.includes(name)));
        expect(decision.obligations.limits.length).toBe(groups.includes('c') ? 1 : 0);
      }
    }
  });

  it('decides policies larger than the remembered-outcome key', () => {
    const rules = Array.from({ length: 60 }, (_, i) => ({ name: `r${i}`, allow: { groups: `g${i}` } }));
    const policy = compilePolicy([...rules, { name: 'deny x', deny: { groups: 'x' } }]);
    expect(evaluate(policy, input({ principal: { groups: ['g59'] } })).matchedRules).toEqual(['r59']);
    expect(evaluate(policy, input({ principal: { groups: ['g58', 'x'] } })).allow).toBe(false);
    expect(evaluate(policy, input({ principal: { groups: ['g58'] } })).allow).toBe(true);
  });

  it('names the bucket each limit and budget counts in', () => {
    const p = principal({ subject: 'alice', team: 'ml', keyId: 'k1', claims: { department: 'legal', org: { unit: 'x' } } });
    expect(bucketOf('user', p, 'gpt-4o')).toBe('user:alice');
    expect(bucketOf('team', p, 'gpt-4o')).toBe('team:ml');
    expect(bucketOf('key', p, 'gpt-4o')).toBe('key:k1');
    expect(bucketOf('model', p, 'gpt-4o')).toBe('model:gpt-4o');
    expect(bucketOf('global', p, 'gpt-4o')).toBe('global');
    expect(bucketOf('claim/department', p, 'gpt-4o')).toBe('claim/department:legal');
    expect(bucketOf('claim/org.unit', p, 'gpt-4o')).toBe('claim/org.unit:x');
    expect(bucketOf('claim/missing', p, 'gpt-4o')).toBeUndefined();
  });
});
