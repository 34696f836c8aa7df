import { afterEach, describe, expect, it } from 'vitest';
import {
  findApiKeyByHash,
  getApiKey,
  insertApiKey,
  listApiKeys,
  recordApiKeyUse,
  revokeApiKey,
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
  });
}
