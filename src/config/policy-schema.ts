/**
 * `policies:` in the config. The policy compiler is the validator: the schema runs it at load and reports what it
 * finds with the config's other issues, so `gatehouse config check` and a hot reload refuse an invalid policy
 * (the running one stays). The config keeps the rules as written; the runtime compiles them (compilePolicy).
 */
import { z } from 'zod';
import { policyIssues } from '../policy/compile.js';

export const policiesSchema = z.array(z.unknown()).superRefine((rules, ctx) => {
  for (const issue of policyIssues(rules)) {
    const rule = issue.ruleName === undefined ? '' : ` (rule "${issue.ruleName}")`;
    // The issue path starts at the rule's index, relative to `policies`.
    ctx.addIssue({ code: 'custom', path: [...issue.path], message: `${issue.message}${rule}` });
  }
});
