/**
 * The Fastify application: wires the stages and routes together, renders every error in the caller's dialect,
 * and authenticates API calls before their bodies are read.
 */
import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { UsageAccounting } from '../accounting/usage-accounting.js';
import { GatehouseError } from '../errors.js';
import type { Principal } from '../identity/principal.js';
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
  }
}

export interface AppDeps {
  /** The current runtime; swapped on config reload. */
  runtime(): Runtime;
  store: Store;
  metrics: GatewayMetrics;
  accounting: UsageAccounting;
  logger: Logger;
}

/**
 * Headers in the X-Gatehouse-* namespace are Gatehouse's to set (the identity assertion among them). A client
 * could send them to spoof identity to an upstream or to a later stage, so they are dropped on arrival.
 */
function stripGatehouseHeaders(headers: Record<string, unknown>): void {
  for (const name in headers) if (name.startsWith('x-gatehouse-')) delete headers[name];
}

/** Routes that act on behalf of a caller; health, metrics and the sign-in flow itself do not. */
function needsPrincipal(url: string): boolean {
  return url.startsWith('/v1/') || url.startsWith('/admin/') || url.startsWith('/.gatehouse/');
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
    return503OnClosing: true,
  });
  app.decorateRequest('principal', undefined);
  // Cookies are parsed only where a principal is needed (below), not on every request.
  void app.register(fastifyCookie, { hook: false });

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    stripGatehouseHeaders(req.headers);
    if (needsPrincipal(req.url)) {
      const cookies = req.headers.cookie ? app.parseCookie(req.headers.cookie) : undefined;
      req.principal = await deps.runtime().authenticator.authenticate({ headers: req.headers, cookies });
    }
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
  registerLlmRoutes(app, { runtime: deps.runtime, accounting: deps.accounting });
  return app;
}
