/**
 * The error policy compilation throws: every problem in every rule, each tied to the rule (by index and name) and to
 * the place inside it, so an operator fixes a whole policy in one pass.
 */

export type PolicyPathSegment = string | number;

export interface PolicyIssue {
  /** Index of the rule in `policies`. */
  rule: number;
  /** The rule's `name`, when it has one. */
  ruleName: string | undefined;
  /** Path inside `policies`: `[2, 'deny', 'and', 1, 'not', 0, 'groups']`. */
  path: readonly PolicyPathSegment[];
  message: string;
}

export class PolicyError extends Error {
  readonly issues: readonly PolicyIssue[];

  constructor(issues: readonly PolicyIssue[]) {
    super(['Invalid policy:', ...issues.map((issue) => `  ${issueLocation(issue)}: ${issue.message}`)].join('\n'));
    this.name = 'PolicyError';
    this.issues = issues;
  }
}

/** `policies[2] (premium models are for ml-senior).deny.and[1].not[0].groups` */
export function issueLocation(issue: PolicyIssue): string {
  const label = issue.ruleName === undefined ? '' : ` (${issue.ruleName})`;
  return `policies[${issue.rule}]${label}${pathText(issue.path.slice(1))}`;
}

/** `['deny', 'and', 1, 'groups']` → `.deny.and[1].groups`; criterion names such as `claim/department` stay as written. */
export function pathText(path: readonly PolicyPathSegment[]): string {
  return path.map((segment) => (typeof segment === 'number' ? `[${segment}]` : `.${segment}`)).join('');
}
