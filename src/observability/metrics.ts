/**
 * Prometheus metrics, served at GET /metrics. Gateway overhead and upstream time are separate histograms, so an
 * operator can see at once whether the gateway or the model is slow.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Deployment, RouterObserver } from '../router/types.js';
import { QuotaMetrics } from './quota-metrics.js';

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

interface RequestSeries {
  requests: Counter.Internal;
  overhead: Histogram.Internal<string>;
  upstream: Histogram.Internal<string>;
  inputTokens: Counter.Internal;
  outputTokens: Counter.Internal;
  cost: Counter.Internal;
}

export class GatewayMetrics implements RouterObserver {
  readonly registry = new Registry();
  private readonly series = new Map<string, RequestSeries>();
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

  /** Rate limits and budgets. */
  readonly quota = new QuotaMetrics(this.registry);

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'gatehouse_process_' });
  }

  observeRequest(o: RequestObservation): void {
    const series = this.seriesFor(o);
    series.requests.inc();
    series.overhead.observe(o.overheadSeconds);
    if (o.upstreamSeconds !== undefined) series.upstream.observe(o.upstreamSeconds);
    if (o.inputTokens > 0) series.inputTokens.inc(o.inputTokens);
    if (o.outputTokens > 0) series.outputTokens.inc(o.outputTokens);
    if (o.costUsd > 0) series.cost.inc(o.costUsd);
  }

  /**
   * The labelled children a request updates, resolved once per label combination: prom-client would otherwise
   * hash the label object on every call. Combinations are bounded by the config (endpoints × groups × deployments
   * × statuses), and a reload that renames deployments adds a handful at most.
   */
  private seriesFor(o: RequestObservation): RequestSeries {
    const key = `${o.endpoint}\u0000${o.modelGroup}\u0000${o.deployment}\u0000${o.status}`;
    let series = this.series.get(key);
    if (series === undefined) {
      const model = { model_group: o.modelGroup, deployment: o.deployment };
      series = {
        requests: this.requests.labels({ endpoint: o.endpoint, ...model, status: String(o.status) }),
        overhead: this.overhead.labels({ endpoint: o.endpoint }),
        upstream: this.upstream.labels(model),
        inputTokens: this.tokens.labels({ ...model, direction: 'input' }),
        outputTokens: this.tokens.labels({ ...model, direction: 'output' }),
        cost: this.cost.labels(model),
      };
      this.series.set(key, series);
    }
    return series;
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
