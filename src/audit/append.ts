/** Appends a batch of records to the chain: one transaction, under the chain lock, seq and hashes assigned inside. */
import type { Database as SqliteHandle } from 'better-sqlite3';
import type { Insertable, Kysely } from 'kysely';
import { canWriteNow, insertRows } from '../store/sqlite-rows.js';
import type { Database } from '../store/schema.js';
import type { AuditRowContent } from './audit-row.js';
import { GENESIS, recordHash, type ChainLink } from './chain.js';
import { withChainLock, type AuditStore } from './chain-lock.js';
import { latestCheckpoint } from './checkpoints.js';
import type { AuditRecordsTable } from './tables.js';

/** Bind parameters per statement: SQLite's limit (32766), below Postgres's 65535, so safe on both. */
const MAX_PARAMETERS = 32_766;

/**
 * The link a new record attaches to: the newest record, else the retention checkpoint (every record was pruned),
 * else the genesis. Must run under the chain lock, or two writers could attach to the same link.
 */
export async function chainHead(db: Kysely<Database>): Promise<ChainLink> {
  const last = await db.selectFrom('audit_records').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return last ?? (await latestCheckpoint(db)) ?? GENESIS;
}

/** Appends the rows in order and returns the new head. Nothing is written if it rejects. */
export async function appendAuditRows(store: AuditStore, rows: readonly AuditRowContent[]): Promise<ChainLink> {
  if (canWriteNow(store.sqlite)) return appendNow(store.sqlite, rows);
  return withChainLock(store, async (db) => {
    const { chained, head } = chain(rows, await chainHead(db));
    const first = chained[0];
    if (first === undefined) return head;
    const rowsPerStatement = Math.floor(MAX_PARAMETERS / Object.keys(first).length);
    for (let start = 0; start < chained.length; start += rowsPerStatement) {
      await db.insertInto('audit_records').values(chained.slice(start, start + rowsPerStatement)).execute();
    }
    return head;
  });
}

/** Seq, previous hash and hash for each row, continuing from `head`. */
function chain(rows: readonly AuditRowContent[], from: ChainLink): { chained: Insertable<AuditRecordsTable>[]; head: ChainLink } {
  let head = from;
  const chained = rows.map((content) => {
    const seq = head.seq + 1;
    const hash = recordHash({ ...content, seq }, head.hash);
    const row = { ...content, seq, prev_hash: head.hash, hash };
    head = { seq, hash };
    return row;
  });
  return { chained, head };
}

/**
 * SQLite, synchronously: `BEGIN IMMEDIATE` takes the write lock before the head is read (as withChainLock does),
 * so another process writing the same file cannot attach to the same link; prepared statements do the rest.
 */
function appendNow(sqlite: SqliteHandle, rows: readonly AuditRowContent[]): ChainLink {
  return sqlite
    .transaction(() => {
      const last = sqlite.prepare('select seq, hash from audit_records order by seq desc limit 1').get() as ChainLink | undefined;
      const checkpoint = last ? undefined : (sqlite.prepare('select seq, hash from audit_checkpoints order by seq desc limit 1').get() as ChainLink | undefined);
      const { chained, head } = chain(rows, last ?? checkpoint ?? GENESIS);
      insertRows(sqlite, 'audit_records', chained);
      return head;
    })
    .immediate();
}
