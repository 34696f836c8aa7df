/**
 * The account stage: after a response is finished, its usage record (model calls only) and its audit record
 * (every API request) are queued for the store, the metrics are updated and one log line is written. Everything
 * here is synchronous and in memory; the store is written in batches, never on the response path.
 */
import type { AuditLog } from '../audit/writer.js';
import { auditPrincipal, type AuditRecord } from '../audit/record.js';
import type { Principal } from '../identity/principal.js';
import type { Endpoint, Usage } from '../llm/types.js';
import type { Logger } from '../observability/logger.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { Decision } from '../policy/decision.js';
import { denySummary } from '../policy/deny-summary.js';
import type { Deployment } from '../router/types.js';
import type { BatchWriter } from '../store/batch-writer.js';
import type { UsageRecord } from '../store/usage-records.js';
import type { SpendRecord } from '../spend/index.js';

/** Where the spend of completed model calls goes (daily aggregates in the store). */
export interface SpendSink {
  recordSpend(record: SpendRecord): void;
}

/** What every audited request carries, model call or not. */
export interface CompletedHttpRequest {
  requestId: string;
  /** Epoch milliseconds when the request arrived. */
  startedAt: number;
  principal: Principal;
  sourceIp: string | undefined;
  userAgent: string | undefined;
  method: string;
  path: string;
  status: number;
  latencyMs: number;
  errorCode: string | undefined;
}

/** A model call, after its response (or stream) ended. */
export interface CompletedLlmRequest extends CompletedHttpRequest {
  endpoint: Endpoint;
  modelGroup: string;
  deployment: Deployment | undefined;
  stream: boolean;
  usage: Usage;
  costUsd: number;
  upstreamLatencyMs: number | undefined;
  /** Time spent in the gateway itself: total minus upstream (to first byte for streams). */
  overheadMs: number;
  attempts: number;
  /** Undefined when the request ended before authorization (an invalid body). */
  decision: Decision | undefined;
  /** Only when a `log_prompts` obligation applies. */
  prompt: string | undefined;
  completion: string | undefined;
}

export class RequestAccounting {
  constructor(
    private readonly usage: BatchWriter<UsageRecord>,
    private readonly audit: AuditLog | undefined,
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
    private readonly spend?: SpendSink,
  ) {}

  /** A model call: usage record, audit record, metrics and a log line. */
  recordLlm(done: CompletedLlmRequest): void {
    const deploymentLabel = done.deployment ? `${done.deployment.group}/${done.deployment.id}` : 'none';
    this.usage.enqueue(usageRecord(done));
    // Spend counts what reached a model: refused requests (no deployment) cost nothing and are not requests of it.
    if (done.deployment !== undefined) this.spend?.recordSpend({ time: new Date(done.startedAt), principal: done.principal, model: done.modelGroup, usage: done.usage, costUsd: done.costUsd });
    this.audit?.append(auditRecord(done, done));
    this.metrics.observeRequest({
      endpoint: done.endpoint,
      modelGroup: done.modelGroup,
      deployment: deploymentLabel,
      status: done.status,
      overheadSeconds: done.overheadMs / 1000,
      upstreamSeconds: done.upstreamLatencyMs === undefined ? undefined : done.upstreamLatencyMs / 1000,
      inputTokens: done.usage.inputTokens,
      outputTokens: done.usage.outputTokens,
      costUsd: done.costUsd,
    });
    this.metrics.usageQueue.set(this.usage.pending);
    this.logger.info(
      {
        reqId: done.requestId,
        model: done.modelGroup,
        deployment: deploymentLabel,
        status: done.status,
        stream: done.stream,
        tokensIn: done.usage.inputTokens,
        tokensOut: done.usage.outputTokens,
        costUsd: done.costUsd,
        latencyMs: Math.round(done.latencyMs),
        overheadMs: Number(done.overheadMs.toFixed(3)),
        attempts: done.attempts,
        principal: done.principal.subject,
        ...(done.errorCode && { error: done.errorCode }),
      },
      'llm request',
    );
  }

  /** Any other API request (admin API, model list, refused credentials): an audit record only. */
  recordHttp(done: CompletedHttpRequest): void {
    this.audit?.append(auditRecord(done, undefined));
  }
}

function usageRecord(done: CompletedLlmRequest): UsageRecord {
  return {
    time: new Date(done.startedAt),
    requestId: done.requestId,
    endpoint: done.endpoint,
    modelGroup: done.modelGroup,
    deployment: done.deployment?.id ?? null,
    provider: done.deployment?.provider.name ?? null,
    upstreamModel: done.deployment?.model ?? null,
    stream: done.stream,
    inputTokens: done.usage.inputTokens,
    outputTokens: done.usage.outputTokens,
    costUsd: done.costUsd,
    latencyMs: Math.round(done.latencyMs),
    upstreamLatencyMs: done.upstreamLatencyMs === undefined ? null : Math.round(done.upstreamLatencyMs),
    status: done.status,
    errorCode: done.errorCode ?? null,
    principal: done.principal.subject,
    overheadMs: done.overheadMs,
    team: done.principal.team ?? null,
  };
}

function auditRecord(done: CompletedHttpRequest, llm: CompletedLlmRequest | undefined): AuditRecord {
  const decision = llm?.decision;
  return {
    time: new Date(done.startedAt),
    requestId: done.requestId,
    principal: auditPrincipal(done.principal),
    sourceIp: done.sourceIp ?? null,
    userAgent: done.userAgent ?? null,
    method: done.method,
    path: done.path,
    model: llm?.modelGroup ?? null,
    deployment: llm?.deployment?.id ?? null,
    provider: llm?.deployment?.provider.name ?? null,
    region: llm?.deployment?.region ?? null,
    decision: decision === undefined ? null : decision.allow ? 'allow' : 'deny',
    matchedRules: decision?.matchedRules ?? [],
    denyReason: decision && !decision.allow ? denySummary(decision) : null,
    status: done.status,
    inputTokens: llm?.usage.inputTokens ?? 0,
    outputTokens: llm?.usage.outputTokens ?? 0,
    costUsd: llm?.costUsd ?? 0,
    latencyMs: Math.round(done.latencyMs),
    upstreamLatencyMs: llm?.upstreamLatencyMs === undefined ? null : Math.round(llm.upstreamLatencyMs),
    errorType: done.errorCode ?? null,
    prompt: llm?.prompt ?? null,
    completion: llm?.completion ?? null,
  };
}
