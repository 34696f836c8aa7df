/** The `sessions` table: the source of truth for browser sessions, on SQLite or Postgres. */
import type { Kysely, Selectable } from 'kysely';
import type { Database, SessionsTable } from '../../store/schema.js';

/** A stored session, times in epoch ms. `refreshToken` is sealed (see SecretBox). */
export interface SessionRecord {
  idHash: string;
  subject: string;
  /** serializeSnapshot JSON. */
  identity: string;
  idToken: string | null;
  refreshToken: string | null;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  refreshedAt: number;
  nextRefreshAt: number | null;
}

export async function insertSession(db: Kysely<Database>, record: SessionRecord): Promise<void> {
  await db.insertInto('sessions').values(toRow(record)).execute();
}

export async function findSession(db: Kysely<Database>, idHash: string): Promise<SessionRecord | undefined> {
  const row = await db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
  return row && fromRow(row);
}

export async function deleteSession(db: Kysely<Database>, idHash: string): Promise<SessionRecord | undefined> {
  const row = await db.deleteFrom('sessions').where('id_hash', '=', idHash).returningAll().executeTakeFirst();
  return row && fromRow(row);
}

/** Records activity for several sessions at once; a later time never goes backwards. */
export async function touchSessions(db: Kysely<Database>, seen: ReadonlyMap<string, number>): Promise<void> {
  for (const [idHash, at] of seen) {
    await db.updateTable('sessions').set({ last_seen_at: at }).where('id_hash', '=', idHash).where('last_seen_at', '<', at).execute();
  }
}

export interface RefreshedSession {
  identity: string;
  idToken: string | null;
  refreshToken: string | null;
  refreshedAt: number;
  nextRefreshAt: number | null;
}

export async function updateRefreshedSession(db: Kysely<Database>, idHash: string, refreshed: RefreshedSession): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ identity: refreshed.identity, id_token: refreshed.idToken, refresh_token: refreshed.refreshToken, refreshed_at: refreshed.refreshedAt, next_refresh_at: refreshed.nextRefreshAt })
    .where('id_hash', '=', idHash)
    .execute();
}

/** Removes sessions past their absolute lifetime or idle since before `idleBefore`. */
export async function deleteEndedSessions(db: Kysely<Database>, now: number, idleBefore: number): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<', idleBefore)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

function toRow(record: SessionRecord): SessionsTable {
  return {
    id_hash: record.idHash,
    subject: record.subject,
    identity: record.identity,
    id_token: record.idToken,
    refresh_token: record.refreshToken,
    created_at: record.createdAt,
    last_seen_at: record.lastSeenAt,
    expires_at: record.expiresAt,
    refreshed_at: record.refreshedAt,
    next_refresh_at: record.nextRefreshAt,
  };
}

function fromRow(row: Selectable<SessionsTable>): SessionRecord {
  return {
    idHash: row.id_hash,
    subject: row.subject,
    identity: row.identity,
    idToken: row.id_token,
    refreshToken: row.refresh_token,
    createdAt: Number(row.created_at),
    lastSeenAt: Number(row.last_seen_at),
    expiresAt: Number(row.expires_at),
    refreshedAt: Number(row.refreshed_at),
    nextRefreshAt: row.next_refresh_at === null ? null : Number(row.next_refresh_at),
  };
}
