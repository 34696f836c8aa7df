/** Retention checkpoints: where the chain resumes after its oldest records were deleted. */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { ChainLink } from './chain.js';

/** The newest checkpoint (the last record deleted by retention), or undefined when nothing was ever deleted. */
export async function latestCheckpoint(db: Kysely<Database>): Promise<ChainLink | undefined> {
  return db.selectFrom('audit_checkpoints').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
}
