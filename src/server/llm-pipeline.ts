/**
 * The request path of every LLM call, one stage after another (DESIGN.md, "The request pipeline"):
 *
 *   authenticate → normalize → authorize → limits & budgets → route (+ provider adapter) → respond → account
 *
 * Authentication runs in an onRequest hook, before the body is even read; the rest runs here. What limits and
 * budgets admitted is settled in the account stage, with the real usage, however the request ended.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RequestAccounting } from '../accounting/request-accounting.js';
import { GatehouseError } from '../errors.js';
import type { AssertionSigner } from '../identity/assertion/index.js';
import { ANONYMOUS, type Principal } from '../identity/principal.js';
import { upstreamEndpoint } from '../llm/exchange.js';
import { normalize } from '../llm/normalize.js';
import { completionTextFromBody, completionTextFromStream } from '../llm/completion-text.js';
import { promptText } from '../llm/prompt-text.js';
import { costOf } from '../llm/pricing.js';
import { ZERO_USAGE, type Endpoint, type LlmRequest, type Usage } from '../llm/types.js';
import { authorize, requestFacts } from '../policy/authorize.js';
import type { Decision } from '../policy/decision.js';
import { anyDeploymentAllowed, deploymentAllowed, isUnconstrained } from '../policy/routable.js';
import type { Deployment } from '../router/types.js';
import { attemptDeployment, type AttemptResult } from './upstream-call.js';
import { renderError, toGatehouseError } from './error-response.js';
import type { Runtime } from './runtime.js';
import { pipeStream } from './stream-response.js';
import { admitRequest, type QuotaServices, type RequestQuota } from '../quota/index.js';
import { estimateInputTokens } from '../policy/input-tokens.js';

export interface PipelineDeps {
  runtime(): Runtime;
  accounting: RequestAccounting;
  /** Signs the identity assertion for providers with `pass_identity`; returns undefined while its key is loading. */
  assertions?: () => AssertionSigner | undefined;
  /** Rate limits and budgets. */
  quota: QuotaServices;
}

/** What the account stage needs, filled in as the request walks the stages. */
interface Trace {
  startedAt: number;
  startedPerf: number;
  request: LlmRequest | undefined;
  deployment: Deployment | undefined;
  attempts: number;
  upstreamMs: number | undefined;
  decision: Decision | undefined;
  /** What limits and budgets admitted; settled by the account stage. */
  quota: RequestQuota | undefined;
}

export function createLlmHandler(endpoint: Endpoint, deps: PipelineDeps) {
  return async function handleLlm(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const trace: Trace = { startedAt: Date.now(), startedPerf: performance.now(), request: undefined, deployment: undefined, attempts: 0, upstreamMs: undefined, decision: undefined, quota: undefined };
    const principal = req.principal ?? ANONYMOUS;
    try {
      const runtime = deps.runtime();
      const request = (trace.request = normalize(endpoint, req.body));
      const group = runtime.router.group(request.model);
      const decision = (trace.decision = authorize(runtime.policy, principal, requestFacts(req), request, group?.tags ?? NO_TAGS));
      if (!decision.allow) throw principal.authenticated ? new GatehouseError('GH_ERR_POLICY_DENIED', decision.message) : new GatehouseError('GH_ERR_AUTH_MISSING');
      if (!group) throw new GatehouseError('GH_ERR_MODEL_NOT_FOUND', `The model "${request.model}" does not exist or you do not have access to it.`, { param: 'model' });
      const eligible = eligibility(endpoint, decision);
      if (!anyDeploymentAllowed(decision.obligations?.route, group, (name) => runtime.router.group(name))) throw new GatehouseError('GH_ERR_POLICY_DENIED', `No deployment of the model "${request.model}" is allowed for you.`);

      const quota = (trace.quota = await admitRequest(deps.quota, principal, request, group, decision.obligations));

      const client = clientAbort(reply);
      const { routing } = runtime.config;
      const assertion = identityAssertion(deps, principal);
      const dispatched = await runtime.router.dispatch(
        request.model,
        async (deployment, attempt) => {
          // A deployment at its own rpm/tpm refuses here, before any upstream call: that is not an attempt.
          await quota.gate(deployment);
          trace.attempts = attempt;
          return attemptDeployment(deployment, { request, clientHeaders: req.headers, clientSignal: client.signal, totalTimeoutMs: routing.timeout, firstByteTimeoutMs: routing.first_byte_timeout, assertion });
        },
        { signal: client.signal, eligible },
      );
      trace.deployment = dispatched.deployment;
      trace.attempts = dispatched.attempts;
      trace.upstreamMs = dispatched.value.upstreamMs;
      let outcome: Outcome = { ok: false, status: 500, usage: ZERO_USAGE, costUsd: 0, firstByteOverheadMs: undefined, errorCode: 'GH_ERR_INTERNAL' };
      try {
        outcome = await respond(req, reply, dispatched.value, dispatched.deployment, client.signal, trace.startedPerf, decision.obligations?.logPrompts === true, quota.headers);
      } finally {
        dispatched.release({ ok: outcome.ok });
        client.dispose();
      }
      account(deps, req, trace, principal, outcome);
    } catch (error) {
      const failure = toGatehouseError(error);
      if (failure.code === 'GH_ERR_INTERNAL') req.log.error({ err: { type: (error as Error)?.name, message: (error as Error)?.message } }, 'internal error');
      else if (failure.detail) req.log.warn({ code: failure.code, detail: failure.detail }, 'request failed');
      const rendered = renderError(failure, endpoint === 'messages' ? 'anthropic' : 'openai', req.id);
      if (!reply.sent && !reply.raw.headersSent) reply.code(rendered.status).headers(rendered.headers).send(rendered.body);
      if (trace.request) account(deps, req, trace, principal, { ok: false, status: failure.status, usage: ZERO_USAGE, costUsd: 0, firstByteOverheadMs: undefined, errorCode: failure.code });
    }
  };
}

const NO_TAGS: readonly string[] = Object.freeze([]);

/** Deployments a request may use: the provider serves the endpoint, and policy's route obligations allow it. */
function eligibility(endpoint: Endpoint, decision: Decision): (deployment: Deployment) => boolean {
  const route = decision.obligations?.route;
  if (isUnconstrained(route)) return (d) => upstreamEndpoint(endpoint, d.provider) !== undefined;
  return (d) => upstreamEndpoint(endpoint, d.provider) !== undefined && deploymentAllowed(route, d);
}

interface Outcome {
  ok: boolean;
  status: number;
  usage: Usage;
  costUsd: number;
  /** For streams: gateway time before the first byte reached the client, beyond the upstream's own. */
  firstByteOverheadMs: number | undefined;
  errorCode: string | undefined;
  /** What the client received, kept only under a `log_prompts` obligation. */
  completion?: string;
}

async function respond(req: FastifyRequest, reply: FastifyReply, result: AttemptResult, deployment: Deployment, signal: AbortSignal, requestStart: number, keepCompletion: boolean, rateLimitHeaders: Readonly<Record<string, string>>): Promise<Outcome> {
  const dialect = req.routeOptions.url === '/v1/messages' ? 'anthropic' : 'openai';
  if (result.kind === 'json') {
    const costUsd = costOf(deployment, result.usage);
    await reply.code(200).headers(rateLimitHeaders).headers({ 'content-type': 'application/json', 'x-gatehouse-cost': costUsd.toFixed(8) }).send(result.body);
    return { ok: true, status: 200, usage: result.usage, costUsd, firstByteOverheadMs: undefined, errorCode: undefined, ...(keepCompletion && { completion: completionTextFromBody(dialect, result.body) }) };
  }
  reply.hijack();
  const pipeStart = performance.now();
  try {
    const stream = await pipeStream(reply.raw, result.body, result.exchange.createStreamTranslator(), {
      dialect,
      signal,
      headers: { ...rateLimitHeaders, 'x-request-id': req.id },
      capture: keepCompletion,
    });
    const usage = stream.interruptedBy === undefined || stream.usage.outputTokens > 0 ? stream.usage : chargedForDelivered(stream.usage, stream.deliveredTokens, req.body);
    const costUsd = costOf(deployment, usage);
    const overhead = stream.firstWriteMs === undefined ? undefined : pipeStart - requestStart - result.upstreamMs;
    const errorCode = stream.interruptedBy === 'timeout' ? 'GH_ERR_UPSTREAM_TIMEOUT' : stream.interruptedBy === 'upstream' ? 'GH_ERR_UPSTREAM_ERROR' : stream.interruptedBy === 'client' ? 'client_disconnected' : undefined;
    return { ok: stream.interruptedBy !== 'upstream' && stream.interruptedBy !== 'timeout', status: 200, usage, costUsd, firstByteOverheadMs: overhead, errorCode, ...(stream.captured !== undefined && { completion: completionTextFromStream(dialect, stream.captured) }) };
  } finally {
    result.deadline.clear();
  }
}

/**
 * A stream that ended before the provider reported usage (the client left, the upstream broke) is charged for
 * what reached the client: output estimated from the text delivered, input from the request.
 */
function chargedForDelivered(reported: Usage, deliveredTokens: number, body: unknown): Usage {
  return {
    ...reported,
    inputTokens: reported.inputTokens > 0 ? reported.inputTokens : estimateInputTokens(body as LlmRequest['body']),
    outputTokens: deliveredTokens,
  };
}

function account(deps: PipelineDeps, req: FastifyRequest, trace: Trace, principal: Principal, outcome: Outcome): void {
  const request = trace.request!;
  trace.quota?.settle({ tokens: outcome.usage.inputTokens + outcome.usage.outputTokens, costUsd: outcome.costUsd });
  const latencyMs = performance.now() - trace.startedPerf;
  const overheadMs = outcome.firstByteOverheadMs ?? Math.max(0, latencyMs - (trace.upstreamMs ?? 0));
  req.accounted = true;
  const logPrompts = trace.decision?.obligations?.logPrompts === true;
  deps.accounting.recordLlm({
    requestId: req.id,
    startedAt: trace.startedAt,
    sourceIp: req.ip,
    userAgent: req.headers['user-agent'],
    method: req.method,
    path: req.routeOptions.url ?? req.url,
    decision: trace.decision,
    prompt: logPrompts ? promptText(request) : undefined,
    completion: logPrompts ? outcome.completion : undefined,
    endpoint: request.endpoint,
    modelGroup: request.model,
    deployment: trace.deployment,
    stream: request.stream,
    usage: outcome.usage,
    costUsd: outcome.costUsd,
    latencyMs,
    upstreamLatencyMs: trace.upstreamMs,
    overheadMs,
    status: outcome.status,
    errorCode: outcome.errorCode,
    principal,
    attempts: trace.attempts,
  });
}

/** The caller's signed identity, for providers with `pass_identity`. Anonymous callers have none to assert. */
function identityAssertion(deps: PipelineDeps, principal: Principal): ((audience: string) => Promise<string>) | undefined {
  const signers = deps.assertions;
  if (signers === undefined || !principal.authenticated) return undefined;
  return (audience) => {
    const signer = signers();
    if (signer === undefined) throw new GatehouseError('GH_ERR_NOT_READY', 'The gateway is not ready: its identity assertion key is still loading.');
    return signer.assertionFor(principal, audience);
  };
}

/** An AbortSignal that fires when the client closes the connection before the response is complete. */
function clientAbort(reply: FastifyReply): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const res = reply.raw;
  const onClose = () => {
    if (!res.writableFinished) controller.abort(new Error('client disconnected'));
  };
  res.on('close', onClose);
  return { signal: controller.signal, dispose: () => res.off('close', onClose) };
}
