/** Explanations: matched rules by kind, the criterion that failed in each other rule and why, the obligations. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { GatehouseError } from '../../src/errors.js';
import { compilePolicy } from '../../src/policy/compile.js';
import { evaluate } from '../../src/policy/evaluate.js';
import { explain } from '../../src/policy/explain.js';
import { explainRequest } from '../../src/policy/explain-request.js';
import { DESIGN_CONFIG } from './design-config.js';
import { input } from './inputs.js';

const config = parseConfig(DESIGN_CONFIG);

describe('explain', () => {
  it('names the criterion that kept each rule from matching, and why', () => {
    const explanation = explainRequest(config, { principal: { email: 'ivy@example.com', groups: ['interns'], department: 'research' }, model: 'gpt-4o-mini' });
    expect(explanation).toMatchObject({ decision: 'allow', reason: 'allowed', matched: { allow: ['employees'], deny: [], when: ['per-user limits', 'department budgets'] } });
    const premium = explanation.rules.find((rule) => rule.name === 'premium models are for ml-senior');
    expect(premium).toEqual({
      name: 'premium models are for ml-senior',
      kind: 'deny',
      matched: false,
      failed: { path: 'deny.and[0].model_tags', criterion: 'model_tags', expected: 'has premium', actual: 'model tags are []', matched: false, text: 'model_tags: has premium — model tags are []' },
    });
    const eu = explanation.rules.find((rule) => rule.name === 'legal and hr stay in the EU');
    expect(eu?.failed?.text).toBe('claim/department: in [legal, hr] — claim department is "research"');
  });

  it('explains a criterion that held under not', () => {
    const policy = compilePolicy([{ name: 'seniors barred', allow: { and: [{ authenticated_user: true }, { not: [{ groups: { has: 'ml-senior' } }] }] } }]);
    const [rule] = explain(evaluate(policy, input({ principal: { groups: ['ml-senior'] } }))).rules;
    expect(rule?.failed).toMatchObject({ path: 'allow.and[1].not[0].groups', matched: true, text: 'groups: not has ml-senior — principal groups are [ml-senior]' });
  });

  it('explains nor, or and a failure deep inside nesting', () => {
    const policy = compilePolicy([
      { name: 'either', allow: { or: [{ user: 'bob' }, { email: { ends_with: '@corp.example' } }] } },
      { name: 'not all', allow: { nor: [{ user: 'alice' }, { groups: 'ml-senior' }] } },
      { name: 'deep', allow: { and: [{ user: 'alice' }, { or: [{ and: [{ groups: 'ml-senior' }, { 'header/x-tenant': 'acme' }] }] }] } },
    ]);
    const rules = explain(evaluate(policy, input())).rules;
    expect(rules.map((rule) => rule.failed?.text)).toEqual([
      'user: is bob — principal subject is "alice"',
      'user: not is alice — principal subject is "alice"',
      'header/x-tenant: is acme — header x-tenant is (none)',
    ]);
    expect(rules[2]?.failed?.path).toBe('allow.and[1].or[0].and[1].header/x-tenant');
  });

  it('reports the obligations with null for "no constraint"', () => {
    const explanation = explainRequest(config, { principal: { email: 'bob@example.com', groups: [], department: 'legal' }, model: 'gpt-4o-mini' });
    expect(explanation.obligations).toEqual({
      route: { regions: ['eu'], providers: null },
      limits: [{ rule: 'per-user limits', per: 'user', rpm: 60, tpm: 200000, concurrent: undefined }],
      budgets: [{ rule: 'department budgets', per: 'claim/department', usd: 500, period: 'month' }],
      log_prompts: false,
    });
  });

  it('builds the principal and request from the description', () => {
    const explanation = explainRequest(config, {
      principal: { sub: 'svc', authenticated: false, claims: { level: 3 } },
      model: 'unknown-model',
      endpoint: 'messages',
      ip: '10.0.0.1',
      time: '2026-01-05T10:00:00Z',
    });
    expect(explanation.input).toMatchObject({ principal: { subject: 'svc', authenticated: false, auth_method: 'none', claims: { sub: 'svc', level: 3 } }, endpoint: 'messages', ip: '10.0.0.1', time: '2026-01-05T10:00:00.000Z' });
    expect(explanation.warnings).toEqual(['model "unknown-model" is not configured, so it has no tags (and a real request would get 404)']);
  });

  it('refuses a malformed body with a 400 naming the field', () => {
    const bad = (body: unknown) => {
      try {
        explainRequest(config, body);
      } catch (error) {
        return error;
      }
    };
    expect(bad({ model: 'gpt-4o' })).toMatchObject({ code: 'GH_ERR_BAD_REQUEST', param: 'principal' });
    expect(bad({ principal: {}, model: 'gpt-4o', time: 'yesterday' })).toMatchObject({ code: 'GH_ERR_BAD_REQUEST', param: 'time' });
    expect(bad({ principal: { groups: 'a' }, model: 'gpt-4o' })).toBeInstanceOf(GatehouseError);
  });
});
