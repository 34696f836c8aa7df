/**
 * What the configuration and the directory say about budgets as a whole, rather than per request: which
 * (dimension, period) pairs have budgets, so their counters are rebuilt from the store; and which claim dimensions
 * spend must be aggregated by, so a `claim/<path>` budget can be rebuilt at all.
 */
import type { Kysely } from 'kysely';
import type { RebuildTarget } from '../budgets/index.js';
import type { GatehouseConfig } from '../config/schema.js';
import type { BoundBudget, BudgetPeriod } from '../policy/obligations.js';
import { compilePolicy } from '../policy/compile.js';
import type { Database } from '../store/schema.js';

const policyBudgetsOf = new WeakMap<GatehouseConfig, readonly BoundBudget[]>();
const claimDimensionsOf = new WeakMap<GatehouseConfig, readonly string[]>();

/** Every budget obligation in the config's policies (compiled once per config object). */
function policyBudgets(config: GatehouseConfig): readonly BoundBudget[] {
  let budgets = policyBudgetsOf.get(config);
  if (budgets === undefined) {
    budgets = compilePolicy(config.policies).rules.flatMap((rule) => rule.obligations?.budgets ?? []);
    policyBudgetsOf.set(config, budgets);
  }
  return budgets;
}

/** `budgets.claim_dimensions` and every `claim/<path>` a policy budget counts in; computed once per config. */
export function claimDimensions(config: GatehouseConfig): readonly string[] {
  let dimensions = claimDimensionsOf.get(config);
  if (dimensions === undefined) {
    const found = new Set(config.budgets.claim_dimensions);
    for (const budget of policyBudgets(config)) if (budget.per.startsWith('claim/')) found.add(budget.per);
    dimensions = Object.freeze([...found]);
    claimDimensionsOf.set(config, dimensions);
  }
  return dimensions;
}

/** The (dimension, period) pairs policy puts budgets on. */
export function budgetTargets(config: GatehouseConfig): RebuildTarget[] {
  return policyBudgets(config).map(({ per, period }) => ({ per, period }));
}

/**
 * The (dimension, period) pairs administrators put budgets on: teams (`per: team`), people's overrides
 * (`per: user`) and keys (`per: key`). Read from the store, since they change without a config reload.
 */
export async function directoryBudgetTargets(db: Kysely<Database>): Promise<RebuildTarget[]> {
  const [teams, users, keys] = await Promise.all([
    db.selectFrom('teams').select('budgets').where('budgets', '!=', '[]').execute(),
    db.selectFrom('users').select('budgets').where('budgets', 'is not', null).where('budgets', '!=', '[]').execute(),
    db.selectFrom('api_keys').select('budgets').where('budgets', '!=', '[]').execute(),
  ]);
  const targets: RebuildTarget[] = [];
  const add = (per: 'team' | 'user' | 'key', rows: ReadonlyArray<{ budgets: string | null }>) => {
    const periods = new Set<BudgetPeriod>();
    for (const row of rows) for (const budget of JSON.parse(row.budgets ?? '[]') as Array<{ period: BudgetPeriod }>) periods.add(budget.period);
    for (const period of periods) targets.push({ per, period });
  };
  add('team', teams);
  add('user', users);
  add('key', keys);
  return targets;
}
