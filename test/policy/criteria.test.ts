/** Every criterion, with a case that matches and one that does not. */
import { describe, expect, it } from 'vitest';
import { CRITERIA, CRITERION_NAMES } from '../../src/policy/criteria/index.js';
import { holds, type InputOverrides } from './inputs.js';

interface Case {
  condition: Record<string, unknown>;
  matches: InputOverrides;
  fails: InputOverrides;
}

const CASES: Record<string, Case[]> = {
  authenticated_user: [
    { condition: { authenticated_user: true }, matches: {}, fails: { principal: 'anonymous' } },
    { condition: { authenticated_user: false }, matches: { principal: 'anonymous' }, fails: {} },
  ],
  user: [{ condition: { user: { is: 'alice' } }, matches: {}, fails: { principal: { subject: 'bob' } } }],
  email: [
    { condition: { email: { is: 'alice@example.com' } }, matches: { principal: { email: 'Alice@Example.com' } }, fails: { principal: { email: 'bob@example.com' } } },
    { condition: { email: 'alice@example.com' }, matches: {}, fails: { principal: { email: undefined } } },
  ],
  domain: [
    { condition: { domain: { is: 'example.com' } }, matches: { principal: { email: 'a@EXAMPLE.com' } }, fails: { principal: { email: 'a@example.org' } } },
    { condition: { domain: 'example.com' }, matches: {}, fails: { principal: { email: undefined } } },
  ],
  groups: [
    { condition: { groups: { has: 'ml-senior' } }, matches: {}, fails: { principal: { groups: ['interns'] } } },
    { condition: { groups: 'ml-senior' }, matches: {}, fails: { principal: { groups: [] } } },
  ],
  claim: [
    { condition: { 'claim/department': { in: ['legal', 'hr'] } }, matches: { principal: { claims: { department: 'hr' } } }, fails: {} },
    { condition: { 'claim/org.unit': 'ml' }, matches: { principal: { claims: { org: { unit: 'ml' } } } }, fails: { principal: { claims: { org: 'ml' } } } },
    { condition: { 'claim/https://example.com/roles': { has: 'admin' } }, matches: { principal: { claims: { 'https://example.com/roles': ['admin', 'x'] } } }, fails: {} },
    { condition: { 'claim/roles': { is: 'admin' } }, matches: { principal: { claims: { roles: ['user', 'admin'] } } }, fails: { principal: { claims: { roles: ['user'] } } } },
    { condition: { 'claim/level': { gte: 3 } }, matches: { principal: { claims: { level: 3 } } }, fails: { principal: { claims: { level: 2 } } } },
    { condition: { 'claim/level': 3 }, matches: { principal: { claims: { level: 3 } } }, fails: { principal: { claims: {} } } },
  ],
  auth_method: [{ condition: { auth_method: { in: ['jwt', 'session'] } }, matches: {}, fails: { principal: { authMethod: 'virtual_key' } } }],
  api_key: [{ condition: { api_key: { starts_with: 'svc-' } }, matches: { principal: { keyId: 'svc-12' } }, fails: {} }],
  http_method: [{ condition: { http_method: 'POST' }, matches: {}, fails: { request: { method: 'GET' } } }],
  http_path: [{ condition: { http_path: { starts_with: '/v1/' } }, matches: {}, fails: { request: { path: '/admin/api/keys' } } }],
  source_ip: [
    { condition: { source_ip: ['10.0.0.0/8', '192.0.2.7'] }, matches: { request: { sourceIp: '192.0.2.7' } }, fails: { request: { sourceIp: '192.0.2.8' } } },
    { condition: { source_ip: '10.0.0.0/8' }, matches: { request: { sourceIp: '::ffff:10.9.9.9' } }, fails: { request: { sourceIp: undefined } } },
    { condition: { source_ip: ['2001:db8::/32'] }, matches: { request: { sourceIp: '2001:db8:ffff::1' } }, fails: { request: { sourceIp: '2001:db9::1' } } },
  ],
  time_of_day: [{ condition: { time_of_day: { after: '09:00', before: '18:00' } }, matches: {}, fails: { request: { now: new Date('2026-01-05T18:00:00Z') } } }],
  day_of_week: [
    { condition: { day_of_week: ['mon-fri'] }, matches: {}, fails: { request: { now: new Date('2026-01-04T10:00:00Z') } } },
    { condition: { day_of_week: { in: ['saturday', 'Sun'] } }, matches: { request: { now: new Date('2026-01-04T10:00:00Z') } }, fails: {} },
  ],
  date: [{ condition: { date: { after: '2026-01-01', before: '2026-02-01' } }, matches: {}, fails: { request: { now: new Date('2026-02-01T00:00:00Z') } } }],
  header: [
    { condition: { 'header/X-Tenant': { is: 'acme' } }, matches: { request: { headers: { 'x-tenant': 'acme' } } }, fails: { request: { headers: {} } } },
    { condition: { 'header/x-tag': 'b' }, matches: { request: { headers: { 'x-tag': ['a', 'b'] } } }, fails: { request: { headers: { 'x-tag': ['a'] } } } },
  ],
  model: [{ condition: { model: { matches: '^gpt-4' } }, matches: {}, fails: { llm: { model: 'claude' } } }],
  model_tags: [
    { condition: { model_tags: { has: 'premium' } }, matches: {}, fails: { llm: { modelTags: [] } } },
    { condition: { model_tags: { has_any: ['local', 'premium'] } }, matches: {}, fails: { llm: 'none' } },
  ],
  endpoint: [{ condition: { endpoint: { in: ['chat', 'messages'] } }, matches: {}, fails: { llm: { endpoint: 'embeddings' } } }],
  stream: [
    { condition: { stream: true }, matches: { llm: { stream: true } }, fails: {} },
    { condition: { stream: false }, matches: {}, fails: { llm: 'none' } },
  ],
  tools: [{ condition: { tools: true }, matches: { llm: { hasTools: true } }, fails: {} }],
  max_tokens: [{ condition: { max_tokens: { gt: 1000 } }, matches: { llm: { maxTokens: 4000 } }, fails: { llm: { maxTokens: undefined } } }],
  input_tokens: [{ condition: { input_tokens: { lte: 100 } }, matches: {}, fails: { llm: { inputTokens: () => 101 } } }],
};

describe('criteria', () => {
  it('has a test table for every registered criterion', () => {
    expect(Object.keys(CASES).sort()).toEqual(CRITERIA.map((criterion) => criterion.name).sort());
    expect(CRITERION_NAMES).toContain('claim/<path>');
  });

  for (const [name, cases] of Object.entries(CASES)) {
    describe(name, () => {
      cases.forEach(({ condition, matches, fails }, i) => {
        it(`case ${i}: ${JSON.stringify(condition)} matches`, () => expect(holds(condition, matches)).toBe(true));
        it(`case ${i}: ${JSON.stringify(condition)} does not match`, () => expect(holds(condition, fails)).toBe(false));
      });
    });
  }

  it('computes input_tokens only when a rule asks for it', () => {
    let calls = 0;
    const inputTokens = () => ++calls;
    holds({ model: 'gpt-4o' }, { llm: { inputTokens } });
    expect(calls).toBe(0);
    holds({ input_tokens: { gt: 0 } }, { llm: { inputTokens } });
    expect(calls).toBe(1);
  });
});
