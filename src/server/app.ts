/**
 * The Fastify application: wires the stages and routes together, renders every error in the caller's dialect,
 * and authenticates API calls before their bodies are read.
 */
import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { RequestAccounting } from '../accounting/request-accounting.js';
import { registerAdminRoutes } from '../admin/index.js';
import { isConsolePage } from '../console/paths.js';
import { registerConsoleRoutes } from '../console/routes.js';
import type { QuotaServices } from '../quota/index.js';
import { registerSpendRoutes } from '../spend/index.js';
import type { Directory } from '../directory/index.js';
import { GatehouseError } from '../errors.js';
import { registerAssertionRoutes, type AssertionSigner } from '../identity/assertion/index.js';
import type { VirtualKeys } from '../identity/keys/index.js';
import type { BrowserSignIn } from '../identity/oidc/browser-sign-in.js';
import { ANONYMOUS, type Principal } from '../identity/principal.js';
import { registerPersonalKeyRoutes } from '../identity/routes/personal-keys.js';
import type { Logger } from '../observability/logger.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { Store } from '../store/database.js';
import { dialectOfPath, renderError, toGatehouseError } from './error-response.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerLlmRoutes } from './routes/llm.js';
import { registerModelRoutes } from './routes/models.js';
import type { Runtime } from './runtime.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | undefined;
    /** Set once the request's usage and audit records are written, so the generic audit hook skips it. */
    accounted: boolean;
  }
}

export interface AppDeps {
  /** The current runtime; swapped on config reload. */
  runtime(): Runtime;
  store: Store;
  metrics: GatewayMetrics;
  accounting: RequestAccounting;
  logger: Logger;
  /** Virtual and personal API keys (admin API, personal keys); their routes answer 503 without them. */
  keys?: () => VirtualKeys | undefined;
  /** Signs the identity assertion sent upstream; undefined while its key is loading. */
  assertions?: () => AssertionSigner | undefined;
  /** Browser sign-in, sessions and `gatehouse login` (when identity.oidc is configured). */
  signIn?: BrowserSignIn | undefined;
  /** Teams and people, for the admin API (its changes then apply on this replica at once). */
  directory?: Directory;
  /** The built web console; default `dist/ui/` of this package. */
  consoleDir?: string;
  /** Rate limits, budgets and spend. */
  quota: QuotaServices;
}

/**
 * Headers in the X-Gatehouse-* namespace are Gatehouse's to set (the identity assertion among them). A client
 * could send them to spoof identity to an upstream or to a later stage, so they are dropped on arrival.
 */
function stripGatehouseHeaders(headers: Record<string, unknown>): void {
  for (const name in headers) if (name.startsWith('x-gatehouse-')) delete headers[name];
}

/** Routes that act on behalf of a caller, and so are authenticated and audited; health and metrics are not. */
function isAudited(url: string): boolean {
  return url.startsWith('/v1/') || url.startsWith('/admin/') || url.startsWith('/.gatehouse/');
}

/** Console pages need the caller too (to send a signed-out browser to sign-in) but are not audited: the API calls they make are. */
function needsPrincipal(url: string): boolean {
  return isAudited(url) || isConsolePage(url);
}

export function buildApp(deps: AppDeps): FastifyInstance {
  const { server } = deps.runtime().config;
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // One log line per LLM request is written by the account stage; Fastify's own per-request lines would double it.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'reqId' }),
    bodyLimit: server.body_limit,
    // X-Forwarded-For is believed only from the configured proxies.
    trustProxy: server.trusted_proxies.length > 0 ? server.trusted_proxies : false,
    genReqId: () => `req_${randomUUID().replaceAll('-', '')}`,
    // Closing is answered by our own hook below, so the 503s sent while shutting down are audited like any reply.
    return503OnClosing: false,
  });
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.decorateRequest('principal', undefined);
  app.decorateRequest('accounted', false);
  // Cookies are parsed only where a principal is needed (below), not on every request.
  void app.register(fastifyCookie, { hook: false });

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    stripGatehouseHeaders(req.headers);
    if (closing) {
      reply.header('connection', 'close');
      throw new GatehouseError('GH_ERR_NOT_READY', 'The gateway is shutting down; retry on another replica.', { retryAfterSeconds: 1 });
    }
    if (needsPrincipal(req.url)) {
      const cookies = req.headers.cookie ? app.parseCookie(req.headers.cookie) : undefined;
      req.principal = await deps.runtime().authenticator.authenticate({ headers: req.headers, cookies });
    }
  });

  // Model calls are audited by the pipeline, with their decision and usage; every other API request (and a model
  // call refused before the pipeline ran, such as a bad credential or unreadable JSON) is audited here.
  app.addHook('onResponse', async (req, reply) => {
    if (req.accounted || !isAudited(req.url)) return;
    const query = req.url.indexOf('?');
    deps.accounting.recordHttp({
      requestId: req.id,
      startedAt: Date.now() - reply.elapsedTime,
      principal: req.principal ?? ANONYMOUS,
      sourceIp: req.ip,
      userAgent: req.headers['user-agent'],
      method: req.method,
      path: query === -1 ? req.url : req.url.slice(0, query),
      status: reply.statusCode,
      latencyMs: reply.elapsedTime,
      errorCode: reply.getHeader('x-gatehouse-error') as string | undefined,
    });
  });

  app.setErrorHandler((error, req, reply) => {
    const failure = toGatehouseError(error);
    if (failure.code === 'GH_ERR_INTERNAL') req.log.error({ err: { type: (error as Error).name, message: (error as Error).message } }, 'internal error');
    else if (failure.detail) req.log.info({ code: failure.code, detail: failure.detail }, 'request refused');
    const rendered = renderError(failure, dialectOfPath(req.url), req.id);
    return reply.code(rendered.status).headers(rendered.headers).send(rendered.body);
  });

  app.setNotFoundHandler((req, reply) => {
    const rendered = renderError(new GatehouseError('GH_ERR_NOT_FOUND', `No route for ${req.method} ${req.url.split("?")[0]!.slice(0, 200)}.`), dialectOfPath(req.url), req.id);
    return reply.code(rendered.status).headers(rendered.headers).send(rendered.body);
  });

  registerHealthRoutes(app, deps.store, deps.metrics);
  registerModelRoutes(app, deps.runtime);
  const keys = deps.keys ?? (() => undefined);
  registerAdminRoutes(app, { keys, runtime: deps.runtime, store: deps.store, ...(deps.directory && { directory: deps.directory }) });
  registerPersonalKeyRoutes(app, { keys });
  deps.signIn?.register(app, keys);
  registerSpendRoutes(app, { db: deps.store.db, calendar: deps.quota.calendar });
  registerLlmRoutes(app, { runtime: deps.runtime, accounting: deps.accounting, assertions: deps.assertions, quota: deps.quota });
  if (deps.assertions) registerAssertionRoutes(app, deps.assertions);
  registerConsoleRoutes(app, { logger: deps.logger, ...(deps.consoleDir !== undefined && { dir: deps.consoleDir }) });
  return app;
}
