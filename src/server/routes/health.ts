/** Liveness, readiness (the store answers) and Prometheus metrics. */
import type { FastifyInstance } from 'fastify';
import { GatehouseError } from '../../errors.js';
import type { GatewayMetrics } from '../../observability/metrics.js';
import type { Store } from '../../store/database.js';

const READY_TIMEOUT_MS = 2000;

export function registerHealthRoutes(app: FastifyInstance, store: Store, metrics: GatewayMetrics): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (req) => {
    try {
      await Promise.race([store.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('store ping timed out')), READY_TIMEOUT_MS).unref())]);
    } catch (error) {
      req.log.warn({ err: { message: (error as Error).message } }, 'readiness check failed');
      throw new GatehouseError('GH_ERR_NOT_READY', 'The gateway is not ready: its store is unreachable.');
    }
    return { status: 'ready', store: store.dialect };
  });

  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', metrics.contentType);
    return metrics.render();
  });
}
