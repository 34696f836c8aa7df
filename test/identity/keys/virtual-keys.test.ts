import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatehouseError } from '../../../src/errors.js';
import { CredentialError } from '../../../src/identity/credential-error.js';
import { parseStoreUrl } from '../../../src/store/store-url.js';
import { testDatabases } from '../../store/databases.js';
import { Clock, failureOf, openKeysFixture, type KeysFixture } from './fixtures.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const database of testDatabases().filter((db) => db.persistent)) {
  describe.runIf(database.enabled)(`virtual keys on ${database.name}`, () => {
    let fx: KeysFixture;
    beforeEach(async () => {
      fx = await openKeysFixture(database);
    });
    afterEach(() => fx.close());

    it('creates a key that verifies as its owner, with its team and models, and is shown once', async () => {
      const keys = fx.keys();
      const { key, record } = await keys.create({ name: 'ci', ownerUser: 'svc-ci', ownerTeam: 'platform', allowedModels: ['gpt-a'], metadata: { ticket: 'OPS-7' }, createdBy: 'key:bootstrap-1' });
      expect(key).toMatch(/^ghk_[A-Za-z0-9_-]{43}$/);
      expect(record).toMatchObject({ prefix: key.slice(0, 12), name: 'ci', kind: 'service', ownerUser: 'svc-ci', ownerTeam: 'platform', allowedModels: ['gpt-a'], metadata: { ticket: 'OPS-7' }, createdBy: 'key:bootstrap-1' });
      expect(record.id).toMatch(/^key_/);
      expect(JSON.stringify(record)).not.toContain(key);
      expect(record).not.toHaveProperty('hash');
      expect(keys.isKey(key)).toBe(true);

      const principal = await keys.verify(key);
      expect(principal).toEqual({
        authenticated: true,
        authMethod: 'virtual_key',
        subject: 'svc-ci',
        email: undefined,
        name: 'ci',
        groups: [],
        claims: {},
        keyId: record.id,
        team: 'platform',
        allowedModels: ['gpt-a'],
        admin: false,
      });
      expect((await keys.get(record.id))?.name).toBe('ci');
    });

    it('names a key without an owner after itself', async () => {
      const keys = fx.keys();
      const { key, record } = await keys.create({ name: 'anon', createdBy: 'admin' });
      expect((await keys.verify(key)).subject).toBe(`key:${record.id}`);
      expect((await keys.verify(key)).allowedModels).toBeUndefined();
    });

    it('refuses a wrong key, a near miss, a malformed key and a key hashed under another secret', async () => {
      const keys = fx.keys();
      const { key } = await keys.create({ name: 'k', createdBy: 'admin' });
      const nearMiss = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
      expect(await failureOf(keys.verify(nearMiss))).toBe('no_such_key');
      expect(await failureOf(keys.verify(`ghk_${'x'.repeat(43)}`))).toBe('no_such_key');
      expect(await failureOf(keys.verify(key.replace('ghk_', 'ghp_')))).toBe('no_such_key');
      expect(await failureOf(keys.verify(`${key}x`))).toBe('malformed');
      expect(await failureOf(keys.verify('ghk_short'))).toBe('malformed');
      expect(keys.isKey('sk-not-ours')).toBe(false);
      const otherSecret = fx.keys({ secret: 'a-completely-different-secret' });
      expect(await failureOf(otherSecret.verify(key))).toBe('no_such_key');
      expect(await failureOf(keys.verify(key))).toBe('accepted');
    });

    it('refuses a revoked key at once on the instance that revoked it', async () => {
      const keys = fx.keys();
      const { key, record } = await keys.create({ name: 'k', createdBy: 'admin' });
      await keys.verify(key); // now cached
      expect(await keys.revoke(record.id)).toBe(true);
      expect(await failureOf(keys.verify(key))).toBe('revoked');
      expect((await keys.get(record.id))?.revokedAt).toBeInstanceOf(Date);
      expect(await keys.revoke('key_nope')).toBe(false);
      expect(await keys.list({})).toEqual([]);
      expect((await keys.list({ includeRevoked: true })).map((view) => view.id)).toEqual([record.id]);
    });

    it('refuses a key revoked on another replica within the revocation delay', async () => {
      const replicaA = fx.keys({ revocationDelayMs: 200 });
      const replicaB = fx.keys({ revocationDelayMs: 200 });
      const { key, record } = await replicaA.create({ name: 'k', createdBy: 'admin' });
      await replicaB.verify(key);
      await replicaA.revoke(record.id);
      const revokedAt = Date.now();
      // B still trusts its cached lookup for up to the delay, and no longer than that.
      let refusedAfter: number | undefined;
      while (refusedAfter === undefined && Date.now() - revokedAt < 1_000) {
        if ((await failureOf(replicaB.verify(key))) === 'revoked') refusedAfter = Date.now() - revokedAt;
        else await sleep(10);
      }
      expect(refusedAfter).toBeDefined();
      expect(refusedAfter!).toBeLessThanOrEqual(200 + 150); // the delay, plus scheduling slack on a busy machine
    });

    it('refuses an expired key, even from the cache, and refuses creating one already expired', async () => {
      const clock = new Clock();
      const keys = fx.keys({ now: clock.now });
      const { key } = await keys.create({ name: 'k', expiresAt: new Date(clock.time + 60_000), createdBy: 'admin' });
      await keys.verify(key);
      clock.advance(59_999);
      expect(await failureOf(keys.verify(key))).toBe('accepted');
      clock.advance(1);
      expect(await failureOf(keys.verify(key))).toBe('expired');
      const fresh = fx.keys({ now: clock.now });
      expect(await failureOf(fresh.verify(key))).toBe('expired');
      await expect(keys.create({ name: 'old', expiresAt: new Date(clock.time - 1), createdBy: 'admin' })).rejects.toMatchObject({ code: 'GH_ERR_BAD_REQUEST', param: 'expires_at' });
    });

    it('never stores the key in clear: not in any row, nor anywhere in the database file', async () => {
      const keys = fx.keys();
      const created = await Promise.all([keys.create({ name: 'a', createdBy: 'admin' }), keys.create({ name: 'b', ownerUser: 'u', createdBy: 'admin' })]);
      const rows = JSON.stringify(await fx.store.db.selectFrom('api_keys').selectAll().execute());
      expect(rows).toContain(created[0].record.id);
      for (const { key } of created) {
        const body = key.slice(4);
        expect(rows).not.toContain(key);
        expect(rows).not.toContain(body);
        expect(rows).not.toContain(body.slice(8)); // what the visible prefix does not show
        expect(rows).not.toContain(Buffer.from(body, 'base64url').toString('hex'));
      }
      const location = parseStoreUrl(fx.target.url);
      if (location.dialect === 'sqlite') {
        const dir = path.dirname(location.filename);
        const bytes = readdirSync(dir).map((file) => readFileSync(path.join(dir, file)).toString('latin1')).join('');
        expect(bytes).toContain(created[0].record.id); // the files were read: the row is there
        for (const { key } of created) expect(bytes).not.toContain(key.slice(12));
      }
    });

    it('without a secret, creates no key and refuses every key', async () => {
      const keys = fx.keys();
      const { key } = await keys.create({ name: 'k', createdBy: 'admin' });
      const disabled = fx.keys({ secret: undefined });
      expect(disabled.isKey(key)).toBe(true);
      const failure = await disabled.verify(key).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(CredentialError);
      const refused = await disabled.create({ name: 'k', createdBy: 'admin' }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(GatehouseError);
      expect(refused).toMatchObject({ status: 400, message: expect.stringContaining('secret') });
    });

    it('filters lists by owner', async () => {
      const keys = fx.keys();
      await keys.create({ name: 'a', ownerUser: 'alice', createdBy: 'admin' });
      await keys.create({ name: 'b', ownerUser: 'bob', createdBy: 'admin' });
      expect((await keys.list({ ownerUser: 'alice' })).map((view) => view.name)).toEqual(['a']);
      expect(await keys.list({})).toHaveLength(2);
    });
  });
}

describe('VirtualKeys options', () => {
  it('refuses non-positive delays and lifetimes', async () => {
    const fx = await openKeysFixture(testDatabases()[1]!);
    try {
      expect(() => fx.keys({ revocationDelayMs: 0 })).toThrow(/revocationDelayMs/);
      expect(() => fx.keys({ personalMaxLifetimeMs: -1 })).toThrow(/personalMaxLifetimeMs/);
    } finally {
      await fx.close();
    }
  });
});
