/**
 * The limits-and-budgets stage of one model call, between authorize and route:
 *
 *   admit   every rate-limit bucket and budget the request is bound to (policy, its team, its person, its key),
 *           in parallel: one Redis round trip for the limits and one for the budgets, or none when nothing applies;
 *   gate    the chosen deployment's own `rpm`/`tpm`, once the router picks one (a saturated deployment is skipped);
 *   settle  when the response is over, however it ended: the real tokens and cost replace the estimates and the
 *           concurrency slots are freed. Settlement is off the response path; it never throws.
 *
 * A refusal is a GatehouseError the pipeline renders in the client's dialect: 429 with OpenAI's rate-limit headers,
 * 429 for an exhausted budget, 503 when Redis is unreachable and `limits.on_redis_error` is `closed`.
 */
import { GatehouseError } from '../errors.js';
import type { Principal } from '../identity/principal.js';
import type { LlmRequest } from '../llm/types.js';
import { budgetBuckets, estimateCostUsd, type BudgetBucket, type Reservation, type ReserveRefused } from '../budgets/index.js';
import { deploymentBucket, policyBuckets, rateLimitHeaders, type Admission, type Admitted, type LimitBucket, type LimitTicket, type Refused } from '../limits/index.js';
import { estimateInputTokens } from '../policy/input-tokens.js';
import { NO_OBLIGATIONS, type Obligations } from '../policy/obligations.js';
import { DeploymentSaturated, saturatedError } from '../router/saturated.js';
import type { Deployment, ModelGroup } from '../router/types.js';
import type { QuotaServices } from './quota-services.js';

/** What the request actually used, known when it ends. */
export interface ActualUsage {
  readonly tokens: number;
  readonly costUsd: number;
}

/** An admitted request's holds on limits and budgets; settle it exactly once. */
export interface RequestQuota {
  /** `x-ratelimit-*` headers for the response (empty when no per-minute limit applies). */
  readonly headers: Readonly<Record<string, string>>;
  /** For the router: admits the request on a deployment's own rpm/tpm, or throws DeploymentSaturated. */
  gate(deployment: Deployment): Promise<void>;
  /** Replaces the estimates by the actual usage and frees concurrency slots. Never throws, never waits. */
  settle(actual: ActualUsage): void;
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/** A request bound to nothing: the common case costs no allocation and no I/O. */
const UNLIMITED: RequestQuota = Object.freeze({ headers: NO_HEADERS, gate: async () => {}, settle: () => {} });

export async function admitRequest(quota: QuotaServices, principal: Principal, request: LlmRequest, group: ModelGroup, policyObligations: Obligations | undefined): Promise<RequestQuota> {
  const obligations = quota.directory ? await quota.directory.obligationsFor(principal, policyObligations ?? NO_OBLIGATIONS) : (policyObligations ?? NO_OBLIGATIONS);
  const buckets = obligations.limits.length === 0 ? NO_BUCKETS : policyBuckets(obligations.limits, principal, request.model);
  const budgets = obligations.budgets.length === 0 ? NO_BUDGETS : budgetBuckets(obligations.budgets, principal, request.model);
  const gated = group.deployments.some((deployment) => deployment.rpm !== undefined || deployment.tpm !== undefined);
  if (buckets.length === 0 && budgets.length === 0 && !gated) return UNLIMITED;
  // A group with one deployment and nowhere to fall back to can only be served there: its own limits are checked
  // with the request's other buckets, in the same call, instead of in a second one once the router chose it.
  const only = group.deployments.length === 1 && group.fallbacks.length === 0 ? group.deployments[0]! : undefined;
  const folded = only === undefined ? undefined : deploymentBucket(only);

  // Admitted on an estimate (input plus the most output the request allows), settled on the real usage.
  const inputTokens = estimateInputTokens(request.body);
  const estimatedTokens = inputTokens + (request.maxTokens ?? quota.defaultMaxTokens);
  const estimatedCostUsd = budgets.length === 0 ? 0 : estimateCostUsd(group.deployments, { inputTokens, maxTokens: request.maxTokens, defaultMaxTokens: quota.defaultMaxTokens });
  const limited = folded === undefined ? buckets : [...buckets, folded];
  const [admission, reservation] = await Promise.all([admitLimits(quota, limited, estimatedTokens), reserveBudgets(quota, budgets, estimatedCostUsd)]);

  const admitted = admission?.kind === 'admitted' ? admission : undefined;
  const refused = admission?.kind === 'admitted' ? undefined : admission;
  if (refused !== undefined || reservation?.kind === 'refused' || reservation?.kind === 'unavailable') {
    // All or nothing: give back whatever the other half took.
    if (admitted !== undefined) void quota.limits.settle(admitted.ticket, { tokens: 0 }).catch(quota.onSettleError);
    if (reservation?.kind === 'reserved') void settleBudget(quota, reservation.reservation, 0);
    throw refusalError(quota, refused, reservation, group);
  }
  return new AdmittedRequest(quota, admitted, reservation?.kind === 'reserved' ? reservation.reservation : undefined, estimatedTokens, folded === undefined ? undefined : only);
}

const NO_BUCKETS: LimitBucket[] = [];
const NO_BUDGETS: BudgetBucket[] = [];

/** Undefined when the request is in no rate-limit bucket. */
async function admitLimits(quota: QuotaServices, buckets: readonly LimitBucket[], tokens: number): Promise<Admission | undefined> {
  return buckets.length === 0 ? undefined : quota.limits.admit(buckets, { tokens });
}

type BudgetOutcome = { kind: 'reserved'; reservation: Reservation } | { kind: 'refused'; refusal: ReserveRefused } | { kind: 'unavailable' } | { kind: 'unchecked' };

async function reserveBudgets(quota: QuotaServices, budgets: readonly BudgetBucket[], estimateUsd: number): Promise<BudgetOutcome | undefined> {
  if (budgets.length === 0) return undefined;
  try {
    const result = await quota.ledger.reserve(budgets, estimateUsd, new Date());
    quota.budgetsReachable();
    return result.ok ? { kind: 'reserved', reservation: result.reservation } : { kind: 'refused', refusal: result };
  } catch (error) {
    // Only a shared (Redis) ledger can fail; the memory ledger does no I/O.
    quota.budgetsUnreachable(error);
    return quota.onRedisError === 'closed' ? { kind: 'unavailable' } : { kind: 'unchecked' };
  }
}

function settleBudget(quota: QuotaServices, reservation: Reservation, costUsd: number): Promise<void> {
  return quota.ledger.settle(reservation, costUsd).then(
    (settled) => {
      for (const bucket of settled) quota.metrics.budgetSettled(bucket.key, bucket.period, bucket.spentUsd, bucket.limitUsd);
    },
    (error: unknown) => quota.budgetsUnreachable(error),
  );
}

/** Why an admission failed: `limits` is the rate-limit half when it refused, `budget` the budget half's outcome. */
function refusalError(quota: QuotaServices, limits: Exclude<Admission, { kind: 'admitted' }> | undefined, budget: BudgetOutcome | undefined, group: ModelGroup): GatehouseError {
  if (limits?.kind === 'unavailable' || budget?.kind === 'unavailable') return limitsUnavailable();
  if (limits?.kind === 'refused') {
    quota.metrics.limitHit(limits.bucket, limits.limit);
    // The group's only deployment is full: the same answer the router gives when every deployment is.
    if (limits.bucket.startsWith(DEPLOYMENT_BUCKET)) return saturatedError(saturation(limits), [group.name]);
    return rateLimitError(limits);
  }
  if (budget?.kind !== 'refused') throw new Error('refusalError called for an admitted request');
  quota.metrics.budgetRefused(budget.refusal.bucket, budget.refusal.period);
  return budgetError(budget.refusal);
}

/** No per-request detail: the outage is logged once when it starts (a detail would log every refusal). */
function limitsUnavailable(): GatehouseError {
  return new GatehouseError('GH_ERR_LIMITS_UNAVAILABLE', undefined, { retryAfterSeconds: 1 });
}

/** A deployment bucket's refusal, as the router sees it. A request larger than its tpm will never fit: no waiting. */
function saturation(refused: Refused): DeploymentSaturated {
  return new DeploymentSaturated(refused.exceedsLimit ? Number.POSITIVE_INFINITY : refused.retryAfterMs, rateLimitHeaders(refused));
}

const DEPLOYMENT_BUCKET = 'deployment:';

const LIMIT_WORDS = { requests: 'requests per minute', tokens: 'tokens per minute', concurrent: 'requests in flight' } as const;

function rateLimitError(refused: Refused): GatehouseError {
  const headers = rateLimitHeaders(refused);
  const bound = refused.status.find((status) => status.key === refused.bucket);
  const limit = refused.limit === 'requests' ? bound?.requests?.limit : refused.limit === 'tokens' ? bound?.tokens?.limit : bound?.concurrent?.limit;
  const stated = limit === undefined ? LIMIT_WORDS[refused.limit] : `${limit} ${LIMIT_WORDS[refused.limit]}`;
  if (refused.exceedsLimit) {
    return new GatehouseError('GH_ERR_RATE_LIMITED', `This request alone needs more tokens than the limit of ${stated} for ${refused.bucket}; lower max_tokens or shorten the prompt.`, {
      headers: { ...headers, 'x-should-retry': 'false' },
    });
  }
  return new GatehouseError('GH_ERR_RATE_LIMITED', `Rate limit reached for ${refused.bucket}: ${stated}. Try again in ${Math.max(1, Math.ceil(refused.retryAfterMs / 1000))}s.`, {
    headers,
    retryAfterSeconds: refused.retryAfterMs / 1000,
  });
}

function budgetError(refusal: ReserveRefused): GatehouseError {
  const period = refusal.period === 'total' ? 'in total' : `this ${refusal.period}`;
  const spent = `$${usd(refusal.spentUsd + refusal.reservedUsd)} of $${usd(refusal.limitUsd)} spent or held by requests in flight ${period}`;
  const reset = refusal.resetsAt === undefined ? '' : `; it resets at ${refusal.resetsAt.toISOString()}`;
  return new GatehouseError('GH_ERR_BUDGET_EXCEEDED', `Budget exceeded for ${refusal.bucket}: ${spent}${reset}.`, {
    headers: { 'x-should-retry': 'false' },
    ...(refusal.resetsAt !== undefined && { retryAfterSeconds: Math.max(1, (refusal.resetsAt.getTime() - Date.now()) / 1000) }),
  });
}

/** Cents for ordinary amounts; tiny budgets (tests, cheap models) keep their micro-dollars. */
function usd(amount: number): string {
  return amount >= 0.01 ? amount.toFixed(2) : amount.toFixed(6).replace(/\.?0+$/, '');
}

class AdmittedRequest implements RequestQuota {
  readonly headers: Readonly<Record<string, string>>;
  private deploymentTicket: LimitTicket | undefined;
  private settled = false;

  constructor(
    private readonly quota: QuotaServices,
    /** Undefined when the request is in no rate-limit bucket. */
    private readonly admission: Admitted | undefined,
    private readonly reservation: Reservation | undefined,
    private readonly estimatedTokens: number,
    /** The deployment whose own limits were admitted with the request's (a group of one). */
    private readonly admittedDeployment: Deployment | undefined,
  ) {
    this.headers = admission === undefined ? NO_HEADERS : rateLimitHeaders(admission);
  }

  async gate(deployment: Deployment): Promise<void> {
    if (deployment === this.admittedDeployment) return;
    const bucket = deploymentBucket(deployment);
    if (bucket === undefined) return;
    // A retry on another deployment gives back what the previous one took.
    this.releaseDeployment(0);
    const admission = await this.quota.limits.admit([bucket], { tokens: this.estimatedTokens });
    if (admission.kind === 'admitted') {
      this.deploymentTicket = admission.ticket;
      return;
    }
    if (admission.kind === 'unavailable') throw limitsUnavailable();
    this.quota.metrics.limitHit(admission.bucket, admission.limit);
    throw saturation(admission);
  }

  settle(actual: ActualUsage): void {
    if (this.settled) return;
    this.settled = true;
    if (this.admission !== undefined) void this.quota.limits.settle(this.admission.ticket, { tokens: actual.tokens }).catch(this.quota.onSettleError);
    this.releaseDeployment(actual.tokens);
    if (this.reservation !== undefined) void settleBudget(this.quota, this.reservation, actual.costUsd);
  }

  private releaseDeployment(tokens: number): void {
    const ticket = this.deploymentTicket;
    if (ticket === undefined) return;
    this.deploymentTicket = undefined;
    void this.quota.limits.settle(ticket, { tokens }).catch(this.quota.onSettleError);
  }
}
