/**
 * One line for auditors saying why a request was denied. It may say more than the caller was told (which rule,
 * which criterion failed); it is computed only for denials, off the hot path of allowed requests.
 */
import type { Decision } from './decision.js';
import { PolicyDecision } from './evaluate.js';
import { explain } from './explain.js';

export function denySummary(decision: Decision): string {
  if (!(decision instanceof PolicyDecision)) return `denied by ${decision.matchedRules.join(', ') || 'the gateway'}: ${decision.message ?? ''}`.trim();
  const explanation = explain(decision);
  if (explanation.matched.deny.length > 0) return `denied by rule "${explanation.matched.deny[0]}"`;
  const failures = explanation.rules.filter((rule) => rule.kind === 'allow' && rule.failed).map((rule) => `"${rule.name}": ${rule.failed!.text}`);
  return failures.length > 0 ? `no allow rule matched (${failures.join('; ')})` : 'no allow rule matched';
}
