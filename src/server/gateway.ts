/**
 * A running Gatehouse: config loaded and watched, store opened and migrated, writers started, HTTP server
 * listening. `close()` is the graceful shutdown: stop accepting, finish in-flight requests, flush every queued
 * usage and audit record, then close the store and upstream pools.
 */
import { loadConfig } from '../config/load.js';
import type { GatehouseConfig } from '../config/schema.js';
import { watchConfig } from '../config/watch.js';
import { AdminRule } from '../identity/admins.js';
import { loadAssertionSigner, type AssertionSigner } from '../identity/assertion/index.js';
import { keySettingsChanged } from '../identity/keys/index.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { GatewayMetrics } from '../observability/metrics.js';
import { openStore } from '../store/database.js';
import { SharedCooldowns } from '../router/shared-cooldowns.js';
import type { RouterObserver } from '../router/types.js';
import { buildApp } from './app.js';
import { Runtime } from './runtime.js';
import { createServices } from './services.js';

export interface GatewayOptions {
  /** Path of the YAML config; watched for changes unless `watch` is false. */
  configPath: string;
  env?: NodeJS.ProcessEnv;
  watch?: boolean;
  /** Override the config's `server.listen` (tests use 127.0.0.1:0). */
  listen?: string;
  logger?: Logger;
  /** Called with the new config after every successful reload. */
  onReload?: (config: GatehouseConfig) => void;
}

export interface RunningGateway {
  /** Base URL, e.g. http://127.0.0.1:4000 */
  url: string;
  config(): GatehouseConfig;
  reload(): Promise<void>;
  close(): Promise<void>;
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const env = options.env ?? process.env;
  const initial = await loadConfig(options.configPath, env);
  const logger = options.logger ?? createLogger(initial.logging.level);
  const store = await openStore(initial.storage.url, { logger });
  const metrics = new GatewayMetrics();
  let url = '';
  const services = createServices({ config: initial, store, logger, metrics, currentConfig: () => runtime.config, publicUrl: () => initial.server.public_url ?? url });
  const { keys } = services;
  // With Redis, a cooldown one replica decides applies on every replica (applied to whichever runtime is current).
  const cooldowns = initial.redis === undefined ? undefined : new SharedCooldowns({
    url: initial.redis.url,
    keyPrefix: initial.redis.key_prefix,
    apply: (group, id, forMs) => {
      const deployment = runtime.router.group(group)?.deployments.find((candidate) => candidate.id === id);
      const now = Date.now();
      if (deployment !== undefined) runtime.router.health.coolUntil(deployment, now, now + forMs);
    },
    onError: (error) => logger.debug({ err: { message: error.message } }, 'shared cooldowns: redis call failed'),
  });
  const observer = routerObserver(metrics, cooldowns);
  let runtime = Runtime.create(initial, { observer, identity: services.identity });
  // Budget counters start from the store's totals for the current periods, so a restart resets nothing early.
  // After the runtime exists: the rebuild reads the running config's policy through `currentConfig`.
  await services.quota.start().catch((error: unknown) => logger.error({ err: { message: (error as Error).message } }, 'budget counters could not be rebuilt from the store at start'));
  let assertions: AssertionSigner | undefined;
  const app = buildApp({ runtime: () => runtime, store, metrics, accounting: services.accounting, logger, assertions: () => assertions, keys: () => keys, signIn: services.signIn, directory: services.directory, quota: services.quota });

  const { host, port } = splitListen(options.listen ?? initial.server.listen);
  await app.listen({ host, port });
  const address = app.server.address();
  url = typeof address === 'object' && address ? `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}` : `http://${host}:${port}`;
  // The issuer may be the bound URL, known only now; until the key is loaded, assertions answer 503.
  try {
    assertions = await loadAssertionSigner(initial.identity.assertion, initial.server.public_url ?? url);
  } catch (error) {
    await app.close();
    await services.close().catch(() => {});
    if (cooldowns) await cooldowns.close();
    await store.close();
    throw error;
  }

  const applyConfig = (config: GatehouseConfig) => {
    const previous = runtime;
    runtime = Runtime.create(config, { previous, observer, identity: services.identity });
    keys.setAdmins(new AdminRule(config.identity.admins));
    if (keySettingsChanged(previous.config, config)) logger.warn({ key: 'secret, identity.keys' }, 'this setting changes only on restart');
    void previous.retire(runtime);
    for (const key of ['listen', 'body_limit', 'trusted_proxies'] as const) {
      if (JSON.stringify(config.server[key]) !== JSON.stringify(previous.config.server[key])) logger.warn({ key: `server.${key}` }, 'this setting changes only on restart');
    }
    if (JSON.stringify(config.audit) !== JSON.stringify(previous.config.audit)) logger.warn({ key: 'audit' }, 'this setting changes only on restart');
    if (config.storage.url !== previous.config.storage.url) logger.warn({ key: 'storage.url' }, 'this setting changes only on restart');
    if (JSON.stringify(config.identity.assertion) !== JSON.stringify(previous.config.identity.assertion)) logger.warn({ key: 'identity.assertion' }, 'this setting changes only on restart');
    logger.info({ models: config.models.length, providers: Object.keys(config.providers).length }, 'configuration reloaded');
    options.onReload?.(config);
  };
  const watcher = watchConfig(options.configPath, {
    env,
    onChange: applyConfig,
    onError: (error) => logger.error({ err: { message: (error as Error).message } }, 'configuration reload refused; keeping the running configuration'),
  });
  if (options.watch === false) watcher.close();

  let closing: Promise<void> | undefined;
  return {
    url,
    config: () => runtime.config,
    reload: () => watcher.reload(),
    close: () =>
      (closing ??= (async () => {
        watcher.close();
        try {
          await app.close();
          await services.close();
          if (cooldowns) await cooldowns.close();
        } finally {
          await store.close();
          await runtime.retire(undefined);
          logger.flush();
        }
      })()),
  };
}

function splitListen(listen: string): { host: string; port: number } {
  const index = listen.lastIndexOf(':');
  return { host: listen.slice(0, index).replace(/^\[(.*)\]$/, '$1'), port: Number(listen.slice(index + 1)) };
}

/** Metrics see every routing event; with Redis, cooldowns are also published to the other replicas. */
function routerObserver(metrics: GatewayMetrics, cooldowns: SharedCooldowns | undefined): RouterObserver {
  if (cooldowns === undefined) return metrics;
  return {
    retry: (deployment, reason) => metrics.retry(deployment, reason),
    fallback: (from, to) => metrics.fallback(from, to),
    cooldown: (deployment, forMs) => {
      metrics.cooldown(deployment);
      cooldowns.publish(deployment, forMs);
    },
  };
}
