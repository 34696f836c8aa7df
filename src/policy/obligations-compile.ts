/** Reading the obligations of a `when` rule (`route`, `limits`, `budgets`, `log_prompts`) from policy YAML. */
import type { BoundBudget, BoundLimit, BudgetPeriod, Dimension, Obligations, RouteConstraint } from './obligations.js';
import { describeValue, isMapping, readBoolean, readNumber, readString, readStringList, type Mapping } from './scalars.js';
import type { Site } from './site.js';

export const OBLIGATION_KEYS = ['route', 'limits', 'budgets', 'log_prompts'] as const;
const DIMENSIONS = ['user', 'team', 'key', 'model', 'global'];
const PERIODS: readonly BudgetPeriod[] = ['day', 'week', 'month', 'total'];

export function compileObligations(rule: Mapping, name: string, site: Site): Obligations {
  return Object.freeze({
    route: rule.route === undefined ? { regions: undefined, providers: undefined } : readRoute(rule.route, site.at('route')),
    limits: Object.freeze(listOf(rule.limits, site.at('limits'), (item, at) => readLimit(item, name, at))),
    budgets: Object.freeze(listOf(rule.budgets, site.at('budgets'), (item, at) => readBudget(item, name, at))),
    logPrompts: rule.log_prompts === undefined ? false : (readBoolean(rule.log_prompts, site.at('log_prompts')) ?? false),
  });
}

function readRoute(value: unknown, site: Site): RouteConstraint {
  if (!checkKeys(value, site, ['regions', 'providers'], [])) return { regions: [], providers: [] };
  if (value.regions === undefined && value.providers === undefined) site.issue('expected regions, providers or both');
  const read = (key: string) => (value[key] === undefined ? undefined : Object.freeze(readStringList(value[key], site.at(key))));
  return Object.freeze({ regions: read('regions'), providers: read('providers') });
}

function readLimit(value: unknown, rule: string, site: Site): BoundLimit | undefined {
  if (!checkKeys(value, site, ['per', 'rpm', 'tpm', 'concurrent'], ['per'])) return undefined;
  const count = (key: string) => (value[key] === undefined ? undefined : positiveInteger(value[key], site.at(key)));
  const limit = { rule, per: readDimension(value.per, site.at('per')), rpm: count('rpm'), tpm: count('tpm'), concurrent: count('concurrent') };
  if (value.rpm === undefined && value.tpm === undefined && value.concurrent === undefined) site.issue('a limit needs rpm, tpm or concurrent');
  return Object.freeze(limit);
}

function readBudget(value: unknown, rule: string, site: Site): BoundBudget | undefined {
  if (!checkKeys(value, site, ['per', 'usd', 'period'], ['per', 'usd', 'period'])) return undefined;
  const usd = value.usd === undefined ? undefined : readNumber(value.usd, site.at('usd'));
  if (usd !== undefined && usd < 0) site.at('usd').issue('must be at least 0');
  const period = value.period === undefined ? undefined : (readString(value.period, site.at('period')) as BudgetPeriod | undefined);
  if (period !== undefined && !PERIODS.includes(period)) site.at('period').issue(`unknown period "${period}"; expected one of ${PERIODS.join(', ')}`);
  return Object.freeze({ rule, per: readDimension(value.per, site.at('per')), usd: usd ?? 0, period: period ?? 'total' });
}

function readDimension(value: unknown, site: Site): Dimension {
  if (value === undefined) return 'global'; // reported as required already
  const text = readString(value, site);
  if (text !== undefined && (DIMENSIONS.includes(text) || /^claim\/.+/.test(text))) return text as Dimension;
  if (text !== undefined) site.issue(`unknown dimension "${text}"; expected one of ${DIMENSIONS.join(', ')} or claim/<name>`);
  return 'global';
}

function positiveInteger(value: unknown, site: Site): number | undefined {
  const number = readNumber(value, site);
  if (number !== undefined && (!Number.isInteger(number) || number < 1)) site.issue(`must be a whole number of at least 1, got ${number}`);
  return number;
}

function listOf<T>(value: unknown, site: Site, read: (item: unknown, site: Site) => T | undefined): T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    site.issue(`expected a list, got ${describeValue(value)}`);
    return [];
  }
  const items: unknown[] = value;
  return items.map((item, i) => read(item, site.at(i))).filter((item): item is T => item !== undefined);
}

function checkKeys(value: unknown, site: Site, allowed: readonly string[], required: readonly string[]): value is Mapping {
  if (!isMapping(value)) {
    site.issue(`expected a mapping (${allowed.join(', ')}), got ${describeValue(value)}`);
    return false;
  }
  for (const key of Object.keys(value)) if (!allowed.includes(key)) site.issue(`unknown key "${key}"; allowed keys: ${allowed.join(', ')}`);
  for (const key of required) if (value[key] === undefined) site.issue(`${key} is required`);
  return true;
}
