/**
 * Where the compiler is in the policy: the rule and the path inside it. Compile functions report problems at a
 * site and carry on, so one compilation collects every issue instead of stopping at the first.
 */
import { type PolicyIssue, type PolicyPathSegment, pathText } from './policy-error.js';

export class Site {
  constructor(
    private readonly sink: PolicyIssue[],
    readonly rule: number,
    readonly ruleName: string | undefined,
    /** Path inside `policies`, starting with the rule's index. */
    readonly path: readonly PolicyPathSegment[],
  ) {}

  static root(sink: PolicyIssue[], rule: number, ruleName: string | undefined): Site {
    return new Site(sink, rule, ruleName, [rule]);
  }

  at(...segments: PolicyPathSegment[]): Site {
    return new Site(this.sink, this.rule, this.ruleName, [...this.path, ...segments]);
  }

  issue(message: string): void {
    this.sink.push({ rule: this.rule, ruleName: this.ruleName, path: this.path, message });
  }

  /** The path inside the rule, as explanations show it: `deny.and[1].not[0].groups`. */
  get local(): string {
    return pathText(this.path.slice(1)).slice(1);
  }
}
