/**
 * The cost a request reserves before it is routed: its input tokens plus the output it may produce
 * (`max_tokens`), priced at the dearest deployment of its model group, since any of them may serve it (and a
 * fallback may go to another). With that estimate, a request's actual cost can exceed its reservation only when
 * the input estimate was low or the output had no `max_tokens` and ran past the default (see docs/budgets.md).
 */
import { costOf } from '../llm/pricing.js';
import type { Deployment } from '../router/types.js';

export interface CostEstimateInput {
  readonly inputTokens: number;
  /** The request's `max_tokens`; undefined when the client set none. */
  readonly maxTokens: number | undefined;
  /** Output tokens assumed when the request sets no `max_tokens`. */
  readonly defaultMaxTokens: number;
}

export function estimateCostUsd(deployments: readonly Deployment[], input: CostEstimateInput): number {
  const usage = { inputTokens: input.inputTokens, outputTokens: input.maxTokens ?? input.defaultMaxTokens };
  let highest = 0;
  for (const deployment of deployments) highest = Math.max(highest, costOf(deployment, usage));
  return highest;
}
