/**
 * Policy compilation: the `policies` list of the config → closures, once per config load. Compilation is pure (the
 * same rules always give an equivalent policy, nothing global changes), so a reload compiles the new list and an
 * invalid one is refused while the running policy stays. Every problem is collected into one PolicyError.
 */
import { compileCondition, type ConditionNode, type Test } from './conditions.js';
import { type Obligations } from './obligations.js';
import { compileObligations, OBLIGATION_KEYS } from './obligations-compile.js';
import { PolicyError, type PolicyIssue } from './policy-error.js';
import { describeValue, isMapping, type Mapping } from './scalars.js';
import { Site } from './site.js';

export type RuleKind = 'allow' | 'deny' | 'when';

export interface CompiledRule {
  readonly index: number;
  readonly name: string;
  readonly kind: RuleKind;
  /** Shown to a denied caller when this deny rule matches. */
  readonly message: string | undefined;
  readonly condition: ConditionNode;
  readonly test: Test;
  /** For `when` rules; undefined for allow and deny. */
  readonly obligations: Obligations | undefined;
}

export interface CompiledPolicy {
  readonly rules: readonly CompiledRule[];
  /** True when the config had no `policies` key and the built-in rule applies. */
  readonly builtIn: boolean;
}

/** The rule a config without `policies` gets (DESIGN.md), so a gateway with only API keys works out of the box. */
export const BUILT_IN_RULE = 'any authenticated principal may use any model';

const KINDS: readonly RuleKind[] = ['allow', 'deny', 'when'];
const RULE_KEYS = ['name', ...KINDS, 'message', ...OBLIGATION_KEYS];

/** Compiles `policies` (undefined: the key is absent). Throws PolicyError listing every problem. */
export function compilePolicy(source: readonly unknown[] | undefined): CompiledPolicy {
  const issues: PolicyIssue[] = [];
  const policy = compileRules(source, issues);
  if (issues.length > 0) throw new PolicyError(issues);
  return policy;
}

/** The problems compilation finds, without throwing: for the config schema, which reports them with its own. */
export function policyIssues(source: readonly unknown[] | undefined): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  compileRules(source, issues);
  return issues;
}

function compileRules(source: readonly unknown[] | undefined, issues: PolicyIssue[]): CompiledPolicy {
  if (source === undefined) return { rules: [builtInRule()], builtIn: true };
  const names = new Set<string>();
  const rules = source.map((value, index) => {
    const name = isMapping(value) && typeof value.name === 'string' ? value.name : undefined;
    const site = Site.root(issues, index, name);
    if (name !== undefined && names.has(name)) site.at('name').issue(`duplicate rule name "${name}"`);
    if (name !== undefined) names.add(name);
    return compileRule(value, site);
  });
  return { rules: Object.freeze(rules), builtIn: false };
}

function compileRule(value: unknown, site: Site): CompiledRule {
  const name = site.ruleName ?? `rule ${site.rule}`;
  if (!isMapping(value)) {
    site.issue(`expected a rule (a mapping with name and one of allow, deny or when), got ${describeValue(value)}`);
    return unusableRule(site.rule, name);
  }
  checkRuleKeys(value, site);
  const kinds = KINDS.filter((kind) => value[kind] !== undefined);
  if (kinds.length !== 1) site.issue(`a rule needs exactly one of allow, deny or when${kinds.length > 1 ? `, not ${kinds.join(' and ')}` : ''}`);
  const kind = kinds[0] ?? 'allow';
  const condition = compileCondition(value[kind], site.at(kind));
  const obligations = kind === 'when' ? compileObligations(value, name, site) : undefined;
  return Object.freeze({ index: site.rule, name, kind, message: typeof value.message === 'string' ? value.message : undefined, condition, test: condition.test, obligations });
}

function checkRuleKeys(rule: Mapping, site: Site): void {
  for (const key of Object.keys(rule)) if (!RULE_KEYS.includes(key)) site.at(key).issue(`unknown key "${key}"; allowed keys: ${RULE_KEYS.join(', ')}`);
  if (typeof rule.name !== 'string' || rule.name.trim() === '') site.at('name').issue('every rule needs a name (it is what decisions and the audit log report)');
  if (rule.message !== undefined && typeof rule.message !== 'string') site.at('message').issue(`expected a string, got ${describeValue(rule.message)}`);
  if (rule.message !== undefined && rule.deny === undefined) site.at('message').issue('message is what a caller denied by this rule is told, so only deny rules take one');
  const obligations = OBLIGATION_KEYS.filter((key) => rule[key] !== undefined);
  if (rule.when === undefined && obligations.length > 0) site.at(obligations[0]!).issue(`${obligations.join(', ')} belong${obligations.length === 1 ? 's' : ''} on a when rule; allow and deny rules only decide access`);
  if (rule.when !== undefined && obligations.length === 0) site.issue(`a when rule needs at least one obligation: ${OBLIGATION_KEYS.join(', ')}`);
}

function builtInRule(): CompiledRule {
  const condition = compileCondition({ authenticated_user: true }, Site.root([], 0, BUILT_IN_RULE).at('allow'));
  return Object.freeze({ index: 0, name: BUILT_IN_RULE, kind: 'allow', message: undefined, condition, test: condition.test, obligations: undefined });
}

function unusableRule(index: number, name: string): CompiledRule {
  const condition: ConditionNode = { kind: 'and', path: '', children: [], test: () => false };
  return { index, name, kind: 'allow', message: undefined, condition, test: condition.test, obligations: undefined };
}
