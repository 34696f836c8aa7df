/** Audit records for tests, and a store opened per test database with the helpers the audit tests share. */
import { sql } from 'kysely';
import { appendAuditRows } from '../../src/audit/append.js';
import { toAuditRow } from '../../src/audit/audit-row.js';
import type { AuditRecord } from '../../src/audit/record.js';
import { openStore, type Store } from '../../src/store/database.js';
import type { OpenedTestDatabase, TestDatabase } from '../store/databases.js';

/** A complete, plausible record of an allowed request; override what a test cares about. */
export function auditRecord(overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    time: new Date('2026-03-01T12:00:00.123Z'),
    requestId: 'req_1',
    principal: { subject: 'alice', email: 'alice@example.com', groups: ['ml-senior', 'staff'], authMethod: 'jwt', keyId: null },
    sourceIp: '192.0.2.7',
    userAgent: 'openai-python/1.50.0',
    method: 'POST',
    path: '/v1/chat/completions',
    model: 'gpt-4o',
    deployment: 'azure-eu/gpt-4o-deploy',
    provider: 'azure-eu',
    region: 'eu',
    decision: 'allow',
    matchedRules: ['employees'],
    denyReason: null,
    status: 200,
    inputTokens: 120,
    outputTokens: 48,
    costUsd: 0.00078,
    latencyMs: 812,
    upstreamLatencyMs: 790,
    errorType: null,
    prompt: null,
    completion: null,
    ...overrides,
  };
}

/** `count` records with request ids `req_<start + i>`, a second apart from `from`. */
export function auditRecords(count: number, from = new Date('2026-03-01T12:00:00Z'), start = 1): AuditRecord[] {
  return Array.from({ length: count }, (_, i) => auditRecord({ requestId: `req_${start + i}`, time: new Date(from.getTime() + i * 1000) }));
}

export async function countAuditRows(store: Store): Promise<number> {
  const row = await store.db.selectFrom('audit_records').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A fresh database and a store on it, for one `describe` block. */
export interface AuditTestDatabase {
  target: OpenedTestDatabase;
  store: Store;
  close(): Promise<void>;
}

export async function openAuditTestDatabase(database: TestDatabase): Promise<AuditTestDatabase> {
  const target = await database.open();
  const store = await openStore(target.url);
  return {
    target,
    store,
    close: async () => {
      await store.close();
      await target.cleanup();
    },
  };
}

/** Empties the audit tables between tests. */
export async function clearAudit(store: Store): Promise<void> {
  await store.db.deleteFrom('audit_records').execute();
  await store.db.deleteFrom('audit_checkpoints').execute();
}

/** Runs raw SQL statements on the store, as someone with direct database access would. */
export async function runSql(store: Store, ...statements: string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(store.db);
}

/** Appends records to the chain directly, in one batch (what the writer does with a batch). */
export async function appendRecords(store: Store, records: readonly AuditRecord[]): Promise<void> {
  await appendAuditRows(store, records.map((record) => toAuditRow(record, 1_000)));
}
