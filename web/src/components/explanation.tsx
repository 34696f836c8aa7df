/** A policy decision explained: the decision, its message, the rules that matched and, for each rule that did not, the criterion that failed. */
import type { Explanation } from '../api/types.js';
import { list } from '../lib/format.js';

export function DecisionBadge({ decision }: { decision: string | null | undefined }) {
  if (!decision) return <span class="badge">—</span>;
  return <span class={`badge ${decision === 'allow' ? 'good' : 'bad'}`}>{decision}</span>;
}

export function ExplanationView({ explanation }: { explanation: Partial<Explanation> }) {
  const { matched, rules, obligations } = explanation;
  return (
    <div class="explanation">
      <p>
        Decision: <DecisionBadge decision={explanation.decision} />
        {explanation.reason && <span class="hint"> ({explanation.reason.replaceAll('_', ' ')})</span>}
      </p>
      {explanation.message && (
        <p class="decision-message">
          Message: <strong>{explanation.message}</strong>
        </p>
      )}
      {matched && (
        <dl class="pairs">
          <dt>Allow rules matched</dt>
          <dd>{list(matched.allow, 'none')}</dd>
          <dt>Deny rules matched</dt>
          <dd>{list(matched.deny, 'none')}</dd>
          <dt>When rules matched</dt>
          <dd>{list(matched.when, 'none')}</dd>
        </dl>
      )}
      {rules && rules.length > 0 && (
        <div class="scroll">
          <table>
            <caption>Rules in policy order</caption>
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">Kind</th>
                <th scope="col">Matched</th>
                <th scope="col">Why not</th>
              </tr>
            </thead>
            <tbody>
              {rules.map((rule) => (
                <tr key={rule.name}>
                  <td>{rule.name}</td>
                  <td>{rule.kind}</td>
                  <td>{rule.matched ? 'yes' : 'no'}</td>
                  <td class="mono wrap">{rule.failed?.text ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {obligations && (
        <dl class="pairs">
          <dt>Regions</dt>
          <dd>{obligations.route.regions === null ? 'any' : list(obligations.route.regions, 'none allowed')}</dd>
          <dt>Providers</dt>
          <dd>{obligations.route.providers === null ? 'any' : list(obligations.route.providers, 'none allowed')}</dd>
          <dt>Limits</dt>
          <dd>{obligations.limits.length === 0 ? 'none' : obligations.limits.map((limit) => JSON.stringify(limit)).join('; ')}</dd>
          <dt>Budgets</dt>
          <dd>{obligations.budgets.length === 0 ? 'none' : obligations.budgets.map((budget) => JSON.stringify(budget)).join('; ')}</dd>
          <dt>Prompts logged</dt>
          <dd>{obligations.log_prompts ? 'yes' : 'no'}</dd>
        </dl>
      )}
    </div>
  );
}
