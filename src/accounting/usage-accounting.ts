/**
 * The account stage: after a response is finished, one usage record is queued for the store, the metrics are
 * updated and one log line is written. Everything here is synchronous and in memory; the store is written in
 * batches by the BatchWriter, never on the response path.
 */
import type { Principal } from '../identity/principal.js';
import type { Endpoint, Usage } from '../llm/types.js';
import type { Logger } from '../observability/logger.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { Deployment } from '../router/types.js';
import type { BatchWriter } from '../store/batch-writer.js';
import type { UsageRecord } from '../store/usage-records.js';

export interface CompletedRequest {
  requestId: string;
  /** Epoch milliseconds when the request arrived. */
  startedAt: number;
  endpoint: Endpoint;
  modelGroup: string;
  deployment: Deployment | undefined;
  stream: boolean;
  usage: Usage;
  costUsd: number;
  latencyMs: number;
  upstreamLatencyMs: number | undefined;
  /** Time spent in the gateway itself: total minus upstream (to first byte for streams). */
  overheadMs: number;
  status: number;
  errorCode: string | undefined;
  principal: Principal;
  attempts: number;
}

export class UsageAccounting {
  constructor(
    private readonly writer: BatchWriter<UsageRecord>,
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
  ) {}

  record(done: CompletedRequest): void {
    const deploymentLabel = done.deployment ? `${done.deployment.group}/${done.deployment.id}` : 'none';
    this.writer.enqueue({
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
    });
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
    this.metrics.usageQueue.set(this.writer.pending);
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
}
