/**
 * The long-lived parts of a gateway that hold the store: the usage and audit writers, virtual keys and browser
 * sign-in. They outlive config reloads (each reload builds a new Runtime over the same services) and are closed
 * in one place, in order, so that a graceful shutdown flushes everything queued before the store goes away.
 */
import { RequestAccounting } from '../accounting/request-accounting.js';
import { AuditLog, auditLogOptions } from '../audit/writer.js';
import type { GatehouseConfig } from '../config/schema.js';
import { Directory } from '../directory/index.js';
import { AdminRule } from '../identity/admins.js';
import { virtualKeysFromConfig, type VirtualKeys } from '../identity/keys/index.js';
import { browserSignInFromConfig, type BrowserSignIn } from '../identity/oidc/browser-sign-in.js';
import { principalOfSnapshot } from '../identity/sessions/identity-snapshot.js';
import type { Logger } from '../observability/logger.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import { QuotaServices } from '../quota/index.js';
import { BatchDroppedError, BatchWriter } from '../store/batch-writer.js';
import type { Store } from '../store/database.js';
import { insertUsageRecords, type UsageRecord } from '../store/usage-records.js';
import type { IdentityServices } from './runtime.js';

export interface GatewayServices {
  accounting: RequestAccounting;
  audit: AuditLog;
  keys: VirtualKeys;
  signIn: BrowserSignIn | undefined;
  /** Teams and people: blocked checks, team placement, first sign-in. */
  directory: Directory;
  /** Rate limits, budgets and spend. */
  quota: QuotaServices;
  /** What every Runtime is built with. */
  identity: IdentityServices;
  /** Flush and close every writer, in order; the store itself is closed by the caller afterwards. */
  close(): Promise<void>;
}

export interface ServiceContext {
  config: GatehouseConfig;
  store: Store;
  logger: Logger;
  metrics: GatewayMetrics;
  /** The running config, which changes on reload. */
  currentConfig: () => GatehouseConfig;
  /** The public URL, or the bound URL once known. */
  publicUrl: () => string;
}

/**
 * SQLite writes run on the event loop (better-sqlite3 is synchronous), so a batch of 500 records would stall every
 * request for several milliseconds; smaller batches spread that cost out. Postgres writes are asynchronous and
 * keep the configured size.
 */
const SQLITE_MAX_BATCH = 100;

/** How long a replica trusts what it read of a person (blocked, teams): a block made elsewhere applies within it. */
const DIRECTORY_CACHE_MS = 10_000;

export function createServices(context: ServiceContext): GatewayServices {
  const { config, store, logger, metrics } = context;
  const batchSize = store.sqlite ? Math.min(config.storage.batch_size, SQLITE_MAX_BATCH) : config.storage.batch_size;
  const usage = new BatchWriter<UsageRecord>({
    write: (batch) => insertUsageRecords(store.db, batch, store.sqlite),
    flushIntervalMs: config.storage.flush_interval,
    batchSize,
    onError: (error, batch) => {
      metrics.usageWriteErrors.inc();
      logWriteError(logger, 'usage records', error, batch.length);
    },
  });
  const audit = new AuditLog(store, {
    ...auditLogOptions(config),
    batchSize,
    onWriteError: (error, records) => logWriteError(logger, 'audit records', error, records.length),
    onPruneError: (error) => logger.error({ err: { message: (error as Error).message } }, 'audit retention failed; will retry'),
    onPruned: (deleted) => logger.info({ deleted }, 'audit records past retention deleted'),
  });
  const keys = virtualKeysFromConfig(config, store.db, logger);
  const directory = new Directory({ db: store.db, cacheTtlMs: DIRECTORY_CACHE_MS, onError: (error) => logger.warn({ err: { message: (error as Error).message } }, 'directory write failed') });
  const signIn = browserSignInFromConfig(config, {
    db: store.db,
    logger,
    config: context.currentConfig,
    publicUrl: context.publicUrl,
    onSignIn: (identity) => directory.recordSignIn(principalOfSnapshot(identity, new AdminRule(context.currentConfig().identity.admins), 'session')),
  });
  const quota = new QuotaServices({ config, db: store.db, logger, metrics: metrics.quota, directory, currentConfig: context.currentConfig, ...(store.sqlite && { maxBatch: SQLITE_MAX_BATCH }), onSpendWriteError: (error, lost) => logWriteError(logger, 'spend aggregates', error, lost) });
  return {
    accounting: new RequestAccounting(usage, audit, metrics, logger, quota),
    audit,
    keys,
    signIn,
    directory,
    quota,
    identity: { keys, directory, ...(signIn && { sessions: signIn.sessions }) },
    async close() {
      const results = await Promise.allSettled([usage.close(), audit.close(), keys.close(), signIn?.close(), quota.close()]);
      const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}

function logWriteError(logger: Logger, what: string, error: unknown, count: number): void {
  if (error instanceof BatchDroppedError) logger.error({ reason: error.reason, records: error.count }, `${what} lost`);
  else logger.error({ err: { message: (error as Error).message }, records: count }, `writing ${what} failed; will retry`);
}
