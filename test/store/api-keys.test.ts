import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import {
  findApiKeyByHash,
  getApiKey,
  getApiKeyLimits,
  insertApiKey,
  listApiKeys,
  recordApiKeyUse,
  revokeApiKey,
  updateApiKey,
  type StoredApiKey,
} from '../../src/store/api-keys.js';
import { openStore, type Store } from '../../src/store/database.js';
import { testDatabases, type OpenedTestDatabase } from './databases.js';

let serial = 0;

function storedKey(overrides: Partial<StoredApiKey> = {}): StoredApiKey {
  serial++;
  return {
    id: `key_${serial}`,
    prefix: `ghk_prefix${serial}`,
    hash: `${serial}`.padStart(64, 'a'),
    name: `key ${serial}`,
    kind: 'service',
    ownerUser: undefined,
    ownerTeam: undefined,
    allowedModels: undefined,
    metadata: {},
    createdAt: new Date(1_700_000_000_000 + serial),
    createdBy: 'key:bootstrap-1',
    expiresAt: undefined,
    lastUsedAt: undefined,
    revokedAt: undefined,
    identity: undefined,
    limits: [],
    budgets: [],
    ...overrides,
  };
}

for (const database of testDatabases()) {
  describe.runIf(database.enabled)(`api keys repository on ${database.name}`, () => {
    let opened: OpenedTestDatabase;
    let store: Store;

    async function open(): Promise<Store> {
      opened = await database.open();
      store = await openStore(opened.url);
      return store;
    }

    afterEach(async () => {
      await store?.close();
      await opened?.cleanup();
    });

    it('round-trips every field, JSON columns and optional values included', async () => {
      const { db } = await open();
      const key = storedKey({
        kind: 'personal',
        ownerUser: 'alice@example.com',
        ownerTeam: 'research',
        allowedModels: ['gpt-a', 'gpt-b'],
        metadata: { ticket: 'OPS-1', nested: { n: 1 } },
        expiresAt: new Date(1_800_000_000_000),
        identity: { subject: 'alice', email: undefined, name: 'Alice', groups: ['ml-senior'], claims: { department: 'research' }, admin: true },
      });
      await insertApiKey(db, key);
      expect(await getApiKey(db, key.id)).toEqual(key);
      expect(await findApiKeyByHash(db, key.hash)).toEqual(key);
      expect(await findApiKeyByHash(db, 'f'.repeat(64))).toBeUndefined();
      expect(await getApiKey(db, 'key_missing')).toBeUndefined();
    });

    it('refuses two keys with the same hash', async () => {
      const { db } = await open();
      const key = storedKey();
      await insertApiKey(db, key);
      await expect(insertApiKey(db, storedKey({ hash: key.hash }))).rejects.toThrow();
    });

    it('lists newest first, by owner and kind, leaving revoked keys out unless asked', async () => {
      const { db } = await open();
      const a = storedKey({ ownerUser: 'alice' });
      const b = storedKey({ ownerUser: 'bob' });
      const c = storedKey({ ownerUser: 'alice', kind: 'personal' });
      for (const key of [a, b, c]) await insertApiKey(db, key);
      await revokeApiKey(db, b.id, new Date(1_750_000_000_000));

      expect((await listApiKeys(db)).map((key) => key.id)).toEqual([c.id, a.id]);
      expect((await listApiKeys(db, { includeRevoked: true })).map((key) => key.id)).toEqual([c.id, b.id, a.id]);
      expect((await listApiKeys(db, { ownerUser: 'alice' })).map((key) => key.id)).toEqual([c.id, a.id]);
      expect((await listApiKeys(db, { ownerUser: 'alice', kind: 'personal' })).map((key) => key.id)).toEqual([c.id]);
      expect((await listApiKeys(db, { limit: 1 })).map((key) => key.id)).toEqual([c.id]);
      await expect(listApiKeys(db, { limit: 0 })).rejects.toThrow(RangeError);
    });

    it('revokes once: a second revocation keeps the first time; an unknown id gives undefined', async () => {
      const { db } = await open();
      const key = storedKey();
      await insertApiKey(db, key);
      expect((await revokeApiKey(db, key.id, new Date(1_750_000_000_000)))?.revokedAt).toEqual(new Date(1_750_000_000_000));
      expect((await revokeApiKey(db, key.id, new Date(1_760_000_000_000)))?.revokedAt).toEqual(new Date(1_750_000_000_000));
      expect(await revokeApiKey(db, 'key_missing', new Date())).toBeUndefined();
    });

    it('records last use in one batch and never moves it backwards', async () => {
      const { db } = await open();
      const a = storedKey();
      const b = storedKey();
      await insertApiKey(db, a);
      await insertApiKey(db, b);
      await recordApiKeyUse(db, new Map([[a.id, new Date(2_000)], [b.id, new Date(3_000)]]));
      await recordApiKeyUse(db, new Map([[a.id, new Date(1_000)]]));
      expect((await getApiKey(db, a.id))?.lastUsedAt).toEqual(new Date(2_000));
      expect((await getApiKey(db, b.id))?.lastUsedAt).toEqual(new Date(3_000));
      await recordApiKeyUse(db, new Map());
    });

    it("round-trips a key's limits and budgets, and reads them alone by id", async () => {
      const { db } = await open();
      const key = storedKey({ limits: [{ rpm: 60, tpm: 200_000 }, { concurrent: 2 }], budgets: [{ usd: 12.5, period: 'month' }, { usd: 1000, period: 'total' }] });
      await insertApiKey(db, key);
      expect(await getApiKey(db, key.id)).toEqual(key);
      expect(await getApiKeyLimits(db, key.id)).toEqual({ limits: key.limits, budgets: key.budgets });
      expect(await getApiKeyLimits(db, 'key_missing')).toBeUndefined();
    });

    it('gives keys written without limits (as before the migration) empty lists, not null', async () => {
      const { db } = await open();
      await sql`insert into api_keys (id, prefix, hash, name, kind, metadata, created_at, created_by) values ('key_old', 'ghk_old', ${'b'.repeat(64)}, 'old', 'service', '{}', 1, 'key:bootstrap-1')`.execute(db);
      expect(await getApiKeyLimits(db, 'key_old')).toEqual({ limits: [], budgets: [] });
      expect(await getApiKey(db, 'key_old')).toMatchObject({ limits: [], budgets: [] });
    });

    it('patches only the fields given; null allowed models means every model again; an unknown id gives undefined', async () => {
      const { db } = await open();
      const key = storedKey({ ownerUser: 'alice', ownerTeam: 'ml', allowedModels: ['gpt-a'], limits: [{ rpm: 10 }], budgets: [{ usd: 5, period: 'day' }] });
      await insertApiKey(db, key);

      expect(await updateApiKey(db, key.id, { limits: [{ tpm: 1000 }] })).toEqual({ ...key, limits: [{ tpm: 1000 }] });
      expect(await updateApiKey(db, key.id, { name: 'renamed', budgets: [] })).toEqual({ ...key, name: 'renamed', limits: [{ tpm: 1000 }], budgets: [] });
      expect(await updateApiKey(db, key.id, { allowedModels: null })).toMatchObject({ allowedModels: undefined, ownerUser: 'alice', ownerTeam: 'ml', hash: key.hash });
      expect(await updateApiKey(db, key.id, { allowedModels: ['gpt-b', 'gpt-c'] })).toMatchObject({ allowedModels: ['gpt-b', 'gpt-c'] });
      expect(await updateApiKey(db, key.id, {})).toMatchObject({ name: 'renamed' });
      expect(await updateApiKey(db, 'key_missing', { name: 'x' })).toBeUndefined();

      const other = storedKey({ limits: [{ rpm: 1 }] });
      await insertApiKey(db, other);
      await updateApiKey(db, key.id, { limits: [] });
      expect((await getApiKey(db, other.id))?.limits).toEqual([{ rpm: 1 }]);
    });
  });
}
