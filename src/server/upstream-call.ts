/**
 * One attempt at one deployment: plan the exchange, send, check the status and, for a non-streamed call, read
 * and translate the whole body (so a connection that breaks mid-body is still retried). A streamed call returns
 * as soon as the upstream's headers say 2xx: from then on it belongs to the client and is never retried.
 */
import { GatehouseError } from '../errors.js';
import { ASSERTION_HEADER } from '../identity/assertion/header.js';
import { planExchange, type Exchange } from '../llm/exchange.js';
import type { LlmRequest, Usage } from '../llm/types.js';
import { checkUpstreamStatus } from '../providers/status.js';
import type { Provider, UpstreamBody } from '../providers/types.js';
import { UpstreamFailure } from '../providers/upstream-failure.js';
import type { Deployment } from '../router/types.js';

export type AttemptResult =
  | { kind: 'json'; body: string; usage: Usage; upstreamMs: number; deadline: Deadline }
  | { kind: 'stream'; exchange: Exchange; body: UpstreamBody; upstreamMs: number; startedAt: number; deadline: Deadline };

export interface AttemptOptions {
  request: LlmRequest;
  clientHeaders: Record<string, string | string[] | undefined>;
  /** Aborted when the client goes away. */
  clientSignal: AbortSignal;
  totalTimeoutMs: number;
  firstByteTimeoutMs: number;
  /** The caller's signed identity for an audience (the upstream host); only providers with `pass_identity` get it. */
  assertion?: (audience: string) => Promise<string>;
}

/** A per-attempt abort signal that fires on client disconnect or when the attempt's total time runs out. */
export class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly onClientAbort = () => this.controller.abort(this.clientSignal.reason);

  constructor(private readonly clientSignal: AbortSignal, timeoutMs: number) {
    this.timer = setTimeout(() => this.controller.abort(new UpstreamFailure('timeout', `no complete answer within ${timeoutMs} ms`)), timeoutMs);
    if (clientSignal.aborted) this.onClientAbort();
    else clientSignal.addEventListener('abort', this.onClientAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Stop the timer and unhook from the client's signal; call once the attempt's body is done. */
  clear(): void {
    clearTimeout(this.timer);
    this.clientSignal.removeEventListener('abort', this.onClientAbort);
  }
}

export async function attemptDeployment(deployment: Deployment, options: AttemptOptions): Promise<AttemptResult> {
  const { request, clientSignal } = options;
  const exchange = planExchange(request, deployment.provider, deployment.model, options.clientHeaders);
  // Only a provider with `pass_identity` receives identity; the others skip even the await.
  const { provider } = deployment;
  const headers = provider.config.pass_identity && options.assertion ? await withAssertion(exchange.forwardHeaders, provider, options.assertion) : exchange.forwardHeaders;
  const deadline = new Deadline(clientSignal, deployment.timeoutMs ?? options.totalTimeoutMs);
  const startedAt = performance.now();
  try {
    const response = await deployment.provider.send({
      endpoint: exchange.upstreamEndpoint,
      model: deployment.model,
      body: exchange.upstreamBody,
      stream: request.stream,
      headers,
      signal: deadline.signal,
      firstByteTimeoutMs: options.firstByteTimeoutMs,
    });
    await checkUpstreamStatus(response, deployment.provider);
    if (request.stream) return { kind: 'stream', exchange, body: response.body, upstreamMs: performance.now() - startedAt, startedAt, deadline };
    const text = await readBody(response.body, deadline.signal);
    const upstreamMs = performance.now() - startedAt;
    deadline.clear();
    return { kind: 'json', ...translated(exchange, text), upstreamMs, deadline };
  } catch (error) {
    deadline.clear();
    throw deadline.signal.aborted && deadline.signal.reason instanceof UpstreamFailure ? deadline.signal.reason : error;
  }
}

async function withAssertion(headers: Record<string, string>, provider: Provider, assertion: (audience: string) => Promise<string>): Promise<Record<string, string>> {
  return { ...headers, [ASSERTION_HEADER]: await assertion(provider.audience) };
}

async function readBody(body: UpstreamBody, signal: AbortSignal): Promise<string> {
  try {
    return await body.text();
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw new UpstreamFailure('connect', 'the connection broke while reading the response', { cause: error });
  }
}

function translated(exchange: Exchange, text: string): { body: string; usage: Usage } {
  try {
    return exchange.readResponse(text);
  } catch (error) {
    // A 2xx whose body is not what the provider's API promises: worth trying elsewhere.
    if (error instanceof GatehouseError) throw error;
    throw new UpstreamFailure('status', 'the upstream sent a malformed response', { status: 502, cause: error });
  }
}
