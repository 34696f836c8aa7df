/**
 * Every migration, in order. Registered explicitly (not discovered on disk) so the list survives bundling and a
 * reader sees the whole history in one place. Names sort in application order; never rename or edit one that
 * has shipped: add a new file instead.
 */
import type { Kysely } from 'kysely';
import type { StoreDialect } from '../store-url.js';
import * as usage from './0001-usage.js';
import * as apiKeys from './0002-api-keys.js';
import * as sessions from './0003-sessions.js';
import * as audit from './0004-audit.js';
import * as spend from './0005-spend.js';
import * as teamsUsers from './0006-teams-users.js';
import * as keyLimits from './0007-key-limits.js';
import * as usageConsole from './0008-usage-console.js';

export interface StoreMigration {
  /** Gets the dialect because a few column types (auto-increment ids) cannot be spelled portably. */
  up(db: Kysely<unknown>, dialect: StoreDialect): Promise<void>;
  down?(db: Kysely<unknown>, dialect: StoreDialect): Promise<void>;
}

export const MIGRATIONS: ReadonlyArray<readonly [name: string, migration: StoreMigration]> = [
  ['0001-usage', usage],
  ['0002-api-keys', apiKeys],
  ['0003-sessions', sessions],
  ['0004-audit', audit],
  ['0005-spend', spend],
  ['0006-teams-users', teamsUsers],
  ['0007-key-limits', keyLimits],
  ['0008-usage-console', usageConsole],
];
