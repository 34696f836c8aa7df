/**
 * Claiming a session's refresh: several replicas may see the same session fall due at once, and an IdP that
 * rotates refresh tokens accepts each token only once, so two concurrent refreshes would end the session. The
 * replica whose conditional update moves `next_refresh_at` forward is the one that refreshes; the others keep
 * serving the current claims.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { SessionRecord } from './session-records.js';

export async function claimRefresh(db: Kysely<Database>, record: SessionRecord, retryAt: number): Promise<boolean> {
  if (record.nextRefreshAt === null) return false;
  const result = await db
    .updateTable('sessions')
    .set({ next_refresh_at: retryAt })
    .where('id_hash', '=', record.idHash)
    .where('next_refresh_at', '=', record.nextRefreshAt)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
