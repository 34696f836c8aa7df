/**
 * Prometheus metrics, served at GET /metrics. Gateway overhead and upstream time are separate histograms, so an
 * operator can see at once whether the gateway or the model is slow.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Deployment, RouterObserver } from '../router/types.js';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

export interface RequestObservation {
  endpoint: string;
  modelGroup: string;
  deployment: string;
  status: number;
  overheadSeconds: number;
  upstreamSeconds: number | undefined;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export class GatewayMetrics implements RouterObserver {
  readonly registry = new Registry();
  private readonly requests = new Counter({ name: 'gatehouse_requests_total', help: 'LLM requests answered, by model group, deployment and status.', labelNames: ['endpoint', 'model_group', 'deployment', 'status'], registers: [this.registry] });
  private readonly overhead = new Histogram({ name: 'gatehouse_gateway_overhead_seconds', help: 'Time spent in the gateway itself (total time minus upstream time; time to first byte for streams).', labelNames: ['endpoint'], buckets: LATENCY_BUCKETS, registers: [this.registry] });
  private readonly upstream = new Histogram({ name: 'gatehouse_upstream_latency_seconds', help: 'Time the upstream took to answer (to the first byte for streams).', labelNames: ['model_group', 'deployment'], buckets: LATENCY_BUCKETS, registers: [this.registry] });
  private readonly tokens = new Counter({ name: 'gatehouse_tokens_total', help: 'Tokens processed, by direction.', labelNames: ['model_group', 'deployment', 'direction'], registers: [this.registry] });
  private readonly cost = new Counter({ name: 'gatehouse_cost_usd_total', help: 'Cost of upstream calls in USD.', labelNames: ['model_group', 'deployment'], registers: [this.registry] });
  private readonly retries = new Counter({ name: 'gatehouse_retries_total', help: 'Upstream attempts retried, by deployment and reason.', labelNames: ['deployment', 'reason'], registers: [this.registry] });
  private readonly fallbacks = new Counter({ name: 'gatehouse_fallbacks_total', help: 'Requests that fell back to another model group.', labelNames: ['from', 'to'], registers: [this.registry] });
  private readonly cooldowns = new Counter({ name: 'gatehouse_cooldowns_total', help: 'Times a deployment was put in cooldown.', labelNames: ['deployment'], registers: [this.registry] });
  readonly usageQueue = new Gauge({ name: 'gatehouse_usage_queue_pending', help: 'Usage records waiting to be written to the store.', registers: [this.registry] });
  readonly usageWriteErrors = new Counter({ name: 'gatehouse_usage_write_errors_total', help: 'Failed writes of usage records to the store.', registers: [this.registry] });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'gatehouse_process_' });
  }

  observeRequest(o: RequestObservation): void {
    this.requests.inc({ endpoint: o.endpoint, model_group: o.modelGroup, deployment: o.deployment, status: o.status });
    this.overhead.observe({ endpoint: o.endpoint }, o.overheadSeconds);
    if (o.upstreamSeconds !== undefined) this.upstream.observe({ model_group: o.modelGroup, deployment: o.deployment }, o.upstreamSeconds);
    if (o.inputTokens > 0) this.tokens.inc({ model_group: o.modelGroup, deployment: o.deployment, direction: 'input' }, o.inputTokens);
    if (o.outputTokens > 0) this.tokens.inc({ model_group: o.modelGroup, deployment: o.deployment, direction: 'output' }, o.outputTokens);
    if (o.costUsd > 0) this.cost.inc({ model_group: o.modelGroup, deployment: o.deployment }, o.costUsd);
  }

  retry(deployment: Deployment, reason: string): void {
    this.retries.inc({ deployment: `${deployment.group}/${deployment.id}`, reason });
  }

  fallback(from: string, to: string): void {
    this.fallbacks.inc({ from, to });
  }

  cooldown(deployment: Deployment): void {
    this.cooldowns.inc({ deployment: `${deployment.group}/${deployment.id}` });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
