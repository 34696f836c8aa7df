/** The outcome of the authorize stage, explained so the 403 body, logs and audit all say the same thing. */

export interface Decision {
  allow: boolean;
  /** Names of the rules that decided, for logs and audit. */
  matchedRules: readonly string[];
  /** What a denied caller is told (a rule's `message`); never internal detail. */
  message: string | undefined;
}
