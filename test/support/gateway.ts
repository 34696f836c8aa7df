/**
 * A real Gatehouse for end-to-end tests: the config is written as YAML to a fresh temp folder, the SQLite store
 * lives in that folder, the gateway listens on 127.0.0.1 at a free port, and its logs are captured in memory.
 * Usage records are read from the same SQLite file through a second connection (WAL lets it read while the
 * gateway writes), or after `stop()` to prove a graceful shutdown flushed them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { createLogger } from '../../src/observability/logger.js';
import { startGateway, type RunningGateway } from '../../src/server/gateway.js';
import { openStore } from '../../src/store/database.js';
import { listUsageRecords, type StoredUsageRecord } from '../../src/store/usage-records.js';
import { GATEWAY_KEY } from './config.js';
import { LogCapture } from './log-capture.js';

export interface TestGatewayOptions {
  env?: NodeJS.ProcessEnv;
  /** Watch the config file for changes (default false: tests that reload say so). */
  watch?: boolean;
  /** Log level (default debug, so leak checks see as much as the gateway can write). */
  logLevel?: string;
}

export interface TestGateway {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  gateway: RunningGateway;
  configPath: string;
  dataDir: string;
  dbPath: string;
  logs: LogCapture;
  /** Replace the config file (objects get the same test defaults as at start); the write is atomic. */
  writeConfig(config: object | string): Promise<void>;
  /** Every usage record in the store, newest first. */
  usageRecords(): Promise<StoredUsageRecord[]>;
  /** Poll the store until `predicate` holds for its records; rejects after `timeoutMs`. */
  waitForUsage(predicate: (records: StoredUsageRecord[]) => boolean, timeoutMs?: number): Promise<StoredUsageRecord[]>;
  /** The Prometheus text of GET /metrics. */
  metrics(): Promise<string>;
  /** Graceful shutdown (what SIGTERM runs); the temp folder stays so the store can still be read. */
  stop(): Promise<void>;
  /** Stop, then remove the temp folder. */
  close(): Promise<void>;
}

export async function startTestGateway(config: object | string, options: TestGatewayOptions = {}): Promise<TestGateway> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-e2e-'));
  const configPath = path.join(dataDir, 'gatehouse.yaml');
  const dbPath = path.join(dataDir, 'gatehouse.db');
  const render = (value: object | string): string => (typeof value === 'string' ? value : stringify(withTestDefaults(value, dbPath)));
  writeFileSync(configPath, render(config));

  const logs = new LogCapture();
  const gateway = await startGateway({
    configPath,
    env: options.env ?? {},
    listen: '127.0.0.1:0',
    watch: options.watch ?? false,
    logger: createLogger(options.logLevel ?? 'debug', logs),
  });

  const usageRecords = () => readUsageRecords(dbPath);
  const stop = () => gateway.close();
  return {
    url: gateway.url,
    gateway,
    configPath,
    dataDir,
    dbPath,
    logs,
    async writeConfig(next) {
      // Write then rename, as config tools do, so the watcher never reads a half-written file.
      const temp = `${configPath}.${process.pid}.tmp`;
      writeFileSync(temp, render(next));
      await rename(temp, configPath);
    },
    usageRecords,
    async waitForUsage(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const records = await usageRecords();
        if (predicate(records)) return records;
        if (Date.now() > deadline) throw new Error(`usage records never matched; last saw ${records.length}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    metrics: async () => (await fetch(`${gateway.url}/metrics`)).text(),
    stop,
    async close() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Reads the usage records of a SQLite store file through its own connection. */
export async function readUsageRecords(dbPath: string): Promise<StoredUsageRecord[]> {
  const store = await openStore(`sqlite:${dbPath}`);
  try {
    return await listUsageRecords(store.db, { limit: 100_000 });
  } finally {
    await store.close();
  }
}

/**
 * The test's config plus what every test gateway needs unless the test says otherwise: the client key, a store in
 * the temp folder flushed every 50 ms (so records show up quickly), and debug logging.
 */
function withTestDefaults(config: object, dbPath: string): object {
  const input = config as { server?: Record<string, unknown>; storage?: Record<string, unknown> };
  return {
    ...config,
    server: { api_keys: [GATEWAY_KEY], ...input.server },
    storage: { url: `sqlite:${dbPath}`, flush_interval: '50ms', ...input.storage },
  };
}
