/** Every class of compile error, reported with the rule's index, name and the path inside it. */
import { describe, expect, it } from 'vitest';
import { compilePolicy, policyIssues } from '../../src/policy/compile.js';
import { issueLocation, PolicyError } from '../../src/policy/policy-error.js';

/** Issues as `location: message` lines. */
function problems(rules: unknown[]): string[] {
  return policyIssues(rules).map((issue) => `${issueLocation(issue)}: ${issue.message}`);
}

const premium = (condition: unknown) => [
  { name: 'employees', allow: { authenticated_user: true } },
  { name: 'eu', when: { authenticated_user: true }, route: { regions: ['eu'] } },
  { name: 'premium models are for ml-senior', deny: { and: [{ model_tags: { has: 'premium' } }, { not: [condition] }] } },
];

const CASES: [string, unknown[], string][] = [
  ['a wrong matcher for a criterion', premium({ groups: { hass: 'ml-senior' } }), 'policies[2] (premium models are for ml-senior).deny.and[1].not[0].groups: unknown matcher "hass"; expected has or has_any'],
  ['a matcher of another family', premium({ groups: { is: 'ml-senior' } }), 'policies[2] (premium models are for ml-senior).deny.and[1].not[0].groups: matcher "is" does not apply to groups; expected has or has_any'],
  ['an unknown criterion', premium({ grops: { has: 'x' } }), 'policies[2] (premium models are for ml-senior).deny.and[1].not[0].grops: unknown criterion "grops"'],
  ['a bad regex', premium({ model: { matches: '(' } }), 'policies[2] (premium models are for ml-senior).deny.and[1].not[0].model.matches: bad regular expression "("'],
  ['a bad CIDR', premium({ source_ip: ['10.0.0.0/33'] }), 'policies[2] (premium models are for ml-senior).deny.and[1].not[0].source_ip[0]: bad IP address or CIDR range "10.0.0.0/33"'],
  ['a bad IPv6 address', premium({ source_ip: '2001:db8:::1' }), '.not[0].source_ip: bad IP address or CIDR range "2001:db8:::1"'],
  ['an unknown timezone', premium({ time_of_day: { after: '09:00', timezone: 'Europe/Berln' } }), '.not[0].time_of_day.timezone: unknown timezone "Europe/Berln"'],
  ['a bad time', premium({ time_of_day: { after: '9am' } }), '.not[0].time_of_day.after: expected a time "HH:MM", got "9am"'],
  ['a bad date', premium({ date: { before: '2026-02-30' } }), '.not[0].date.before: expected a date "YYYY-MM-DD"'],
  ['a bad day', premium({ day_of_week: ['mon', 'funday'] }), '.not[0].day_of_week[1]: bad day "funday"'],
  ['an unknown value', premium({ endpoint: 'chats' }), '.not[0].endpoint: unknown value "chats"'],
  ['an operator that is not a list', premium({ or: { model: 'x' } }), '.not[0].or: or takes a list of at least one condition, got a mapping'],
  ['an empty operator', premium({ and: [] }), '.not[0].and: and takes a list of at least one condition, got an empty list'],
  ['a number matcher on a string', premium({ max_tokens: { gt: 'many' } }), '.not[0].max_tokens.gt: expected a number, got "many"'],
  ['a claim without a name', premium({ claim: 'x' }), '.not[0].claim: claim needs a claim name'],
  ['a malformed route', [{ name: 'r', when: { authenticated_user: true }, route: { region: ['eu'] } }], 'policies[0] (r).route: unknown key "region"; allowed keys: regions, providers'],
  ['a limit without a rate', [{ name: 'r', when: { authenticated_user: true }, limits: [{ per: 'user' }] }], 'policies[0] (r).limits[0]: a limit needs rpm, tpm or concurrent'],
  ['a limit with a bad dimension', [{ name: 'r', when: { authenticated_user: true }, limits: [{ per: 'department', rpm: 1 }] }], 'policies[0] (r).limits[0].per: unknown dimension "department"'],
  ['a budget with a bad period', [{ name: 'r', when: { authenticated_user: true }, budgets: [{ per: 'user', usd: 5, period: 'year' }] }], 'policies[0] (r).budgets[0].period: unknown period "year"'],
  ['a budget without usd', [{ name: 'r', when: { authenticated_user: true }, budgets: [{ per: 'user', period: 'day' }] }], 'policies[0] (r).budgets[0]: usd is required'],
  ['a fractional rpm', [{ name: 'r', when: { authenticated_user: true }, limits: [{ per: 'user', rpm: 1.5 }] }], 'policies[0] (r).limits[0].rpm: must be a whole number of at least 1'],
  ['log_prompts that is not a boolean', [{ name: 'r', when: { authenticated_user: true }, log_prompts: 'yes' }], 'policies[0] (r).log_prompts: expected true or false'],
  ['obligations on an allow rule', [{ name: 'r', allow: { authenticated_user: true }, route: { regions: ['eu'] } }], 'policies[0] (r).route: route belongs on a when rule'],
  ['a when rule without obligations', [{ name: 'r', when: { authenticated_user: true } }], 'policies[0] (r): a when rule needs at least one obligation'],
  ['a message on an allow rule', [{ name: 'r', allow: { authenticated_user: true }, message: 'hi' }], 'policies[0] (r).message: message is what a caller denied by this rule is told'],
  ['two actions in one rule', [{ name: 'r', allow: { authenticated_user: true }, deny: { model: 'x' } }], 'policies[0] (r): a rule needs exactly one of allow, deny or when, not allow and deny'],
  ['no action', [{ name: 'r' }], 'policies[0] (r): a rule needs exactly one of allow, deny or when'],
  ['a missing name', [{ allow: { authenticated_user: true } }], 'policies[0].name: every rule needs a name'],
  ['a duplicate name', [{ name: 'r', allow: { user: 'a' } }, { name: 'r', allow: { user: 'b' } }], 'policies[1] (r).name: duplicate rule name "r"'],
  ['an unknown rule key', [{ name: 'r', allow: { user: 'a' }, mesage: 'x' }], 'policies[0] (r).mesage: unknown key "mesage"'],
  ['a rule that is not a mapping', ['allow everyone'], 'policies[0]: expected a rule'],
];

describe('compile errors', () => {
  for (const [what, rules, expected] of CASES) {
    it(`reports ${what}`, () => {
      const found = problems(rules);
      expect(found.some((line) => line.includes(expected)), `${expected}\nnot in\n${found.join('\n')}`).toBe(true);
    });
  }

  it('throws one PolicyError listing every issue', () => {
    const rules = [{ name: 'a', allow: { emial: 'x' } }, { name: 'b', deny: { model: { matches: '[' } } }];
    const error = (() => {
      try {
        compilePolicy(rules);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).issues.map((issue) => issue.ruleName)).toEqual(['a', 'b']);
    expect((error as PolicyError).message).toMatch(/^Invalid policy:\n {2}policies\[0\] \(a\)\.allow\.emial: unknown criterion/);
  });

  it('accepts numbers and booleans written as text (values from the environment)', () => {
    expect(problems([{ name: 'r', when: { authenticated_user: 'true' }, budgets: [{ per: 'user', usd: '500', period: 'month' }], log_prompts: 'false' }])).toEqual([]);
  });
});
