/** A store and VirtualKeys for key tests, with a clock the test can move. */
import { Kysely } from 'kysely';
import { AdminRule } from '../../../src/identity/admins.js';
import { VirtualKeys, type VirtualKeysOptions } from '../../../src/identity/keys/index.js';
import type { Principal } from '../../../src/identity/principal.js';
import { openStore, type Store } from '../../../src/store/database.js';
import type { Database } from '../../../src/store/schema.js';
import { createSqliteDialect } from '../../../src/store/sqlite.js';
import { parseStoreUrl } from '../../../src/store/store-url.js';
import type { OpenedTestDatabase, TestDatabase } from '../../store/databases.js';

export const SECRET = 'a-test-secret-of-enough-length';

export const ADMINS = new AdminRule({ groups: ['gatehouse-admins'], emails: [] });

export class Clock {
  constructor(public time = 1_800_000_000_000) {}
  now = (): number => this.time;
  advance(ms: number): void {
    this.time += ms;
  }
}

export interface KeysFixture {
  store: Store;
  target: OpenedTestDatabase;
  /** Every VirtualKeys made here is closed by `close()`. */
  keys(options?: Partial<VirtualKeysOptions>): VirtualKeys;
  close(): Promise<void>;
}

export async function openKeysFixture(database: TestDatabase): Promise<KeysFixture> {
  const target = await database.open();
  const store = await openStore(target.url);
  const made: VirtualKeys[] = [];
  return {
    store,
    target,
    keys(options = {}) {
      const keys = new VirtualKeys({
        db: store.db,
        secret: SECRET,
        revocationDelayMs: 10_000,
        personalMaxLifetimeMs: 24 * 3_600_000,
        personalDefaultLifetimeMs: 8 * 3_600_000,
        admins: ADMINS,
        ...options,
      });
      made.push(keys);
      return keys;
    },
    async close() {
      await Promise.allSettled(made.map((keys) => keys.close()));
      await store.close();
      await target.cleanup();
    },
  };
}

/** A second connection to a SQLite store file that counts the statements run through it, by their first word. */
export function countingConnection(url: string): { db: Kysely<Database>; counts: Map<string, number>; close(): Promise<void> } {
  const location = parseStoreUrl(url);
  if (location.dialect !== 'sqlite') throw new Error('countingConnection needs a sqlite file');
  const counts = new Map<string, number>();
  const db = new Kysely<Database>({
    dialect: createSqliteDialect(location.filename, { warn: () => undefined }).dialect,
    log: (event) => {
      const verb = event.query.sql.trimStart().split(/\s/, 1)[0]!.toLowerCase();
      counts.set(verb, (counts.get(verb) ?? 0) + 1);
    },
  });
  return { db, counts, close: () => db.destroy() };
}

export function person(overrides: Partial<Principal> = {}): Principal {
  return {
    authenticated: true,
    authMethod: 'jwt',
    subject: 'alice-sub',
    email: 'alice@example.com',
    name: 'Alice',
    groups: ['ml-senior', 'gatehouse-admins'],
    claims: { department: 'research', sub: 'alice-sub' },
    keyId: undefined,
    team: undefined,
    allowedModels: undefined,
    admin: true,
    ...overrides,
  };
}

/** The reason of a CredentialError a promise rejects with. */
export async function failureOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { reason?: string }).reason ?? `not a credential error: ${(error as Error).message}`;
  }
  return 'accepted';
}
