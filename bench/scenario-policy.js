/**
 * The policy and the caller of the `policy-50` scenario. The rules are those of the policy evaluation benchmark
 * (bench/policy-eval.js, `realisticPolicy`), so the load bench and the micro-benchmark measure the same policy,
 * with one change: every rate limit and budget is raised far above what the bench sends. Its single caller makes
 * thousands of requests a second, and a 60-requests-a-minute limit would turn the run into a measurement of 429s;
 * raised, the limits still bind the request (the limits stage does its bookkeeping) without refusing it.
 */
import { realisticPolicy } from './policy-eval.js';

/** High enough that no bench run reaches it: 1e9 requests or tokens a minute, a billion dollars. */
const UNREACHABLE = 1_000_000_000;

/** @typedef {Record<string, unknown>} Rule */

/** @returns {Rule[]} The 50 rules, limits and budgets raised. */
export function scenarioPolicy() {
  return realisticPolicy().map((/** @type {Rule} */ rule) => {
    const raised = { ...rule };
    if (Array.isArray(rule.limits)) raised.limits = rule.limits.map((/** @type {Rule} */ limit) => raiseCounts(limit, ['rpm', 'tpm', 'concurrent']));
    if (Array.isArray(rule.budgets)) raised.budgets = rule.budgets.map((/** @type {Rule} */ budget) => raiseCounts(budget, ['usd']));
    return raised;
  });
}

/**
 * @param {Rule} entry
 * @param {string[]} keys
 */
function raiseCounts(entry, keys) {
  const raised = { ...entry };
  for (const key of keys) if (raised[key] !== undefined) raised[key] = UNREACHABLE;
  return raised;
}

/**
 * Who calls under this policy, as JWT claims: an employee (`example.com`, so the `employees` rule allows),
 * in `ml-senior` and a team, from the research department (so the research budget and tenant-header rules apply,
 * and no EU or Azure routing rule narrows the bench's single deployment to nothing).
 */
export const POLICY_CALLER = {
  sub: 'bench-researcher',
  email: 'researcher@example.com',
  name: 'Bench Researcher',
  groups: ['ml-senior', 'team-3'],
  department: 'research',
};

/** The header the tenant rule reads, set as a research caller's client would set it. */
export const POLICY_HEADERS = { 'x-tenant': 'research' };
