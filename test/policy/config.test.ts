/** Policies in the config: the loader refuses invalid ones with their paths, and interpolates the environment. */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { parseConfig } from '../../src/config/load.js';
import { compilePolicy } from '../../src/policy/compile.js';
import { DESIGN_CONFIG } from './design-config.js';

function configError(text: string, env: NodeJS.ProcessEnv = {}): ConfigError {
  try {
    parseConfig(text, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('the config was accepted');
}

describe('policies in the config', () => {
  it('accepts DESIGN.md’s example, an empty list and no key at all', () => {
    expect(parseConfig(DESIGN_CONFIG).policies).toHaveLength(5);
    expect(parseConfig('policies: []').policies).toEqual([]);
    expect(parseConfig('server: { listen: 127.0.0.1:4000 }').policies).toBeUndefined();
  });

  it('refuses an invalid policy with the path and the rule’s name, among the other issues', () => {
    const text = DESIGN_CONFIG.replace('groups: { has: ml-senior }', 'groups: { hass: ml-senior }').replace('period: month', 'period: year') + 'routing: { retries: 99 }\n';
    const error = configError(text);
    expect(error.issues).toEqual(expect.arrayContaining([
      { path: 'policies[1].deny.and[1].not[0].groups', message: 'unknown matcher "hass"; expected has or has_any (rule "premium models are for ml-senior")' },
      { path: 'policies[4].budgets[0].period', message: 'unknown period "year"; expected one of day, week, month, total (rule "department budgets")' },
      expect.objectContaining({ path: 'routing.retries' }),
    ]));
  });

  it('refuses a policies key that is not a list', () => {
    expect(configError('policies: { name: x }').issues[0]?.path).toBe('policies');
  });

  it('takes values from the environment', () => {
    const config = parseConfig(`
policies:
  - name: budget
    when: { authenticated_user: true }
    budgets: [ { per: user, usd: \${BUDGET}, period: month } ]
  - name: office
    allow: { source_ip: [\${OFFICE_NET}] }
`, { BUDGET: '250', OFFICE_NET: '10.0.0.0/8' });
    const policy = compilePolicy(config.policies);
    expect(policy.rules[0]?.obligations?.budgets[0]?.usd).toBe(250);
    expect(configError('policies: [ { name: o, allow: { source_ip: [${NET}] } } ]', { NET: 'not-a-net' }).issues[0]?.path).toBe('policies[0].allow.source_ip[0]');
  });
});
