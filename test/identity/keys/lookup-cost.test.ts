/** What a verification costs the database: the cache, request coalescing, negative caching, batched last use. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../../store/databases.js';
import { countingConnection, failureOf, openKeysFixture, type KeysFixture } from './fixtures.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('key lookups and last use', () => {
  let fx: KeysFixture;
  let counted: ReturnType<typeof countingConnection>;
  beforeEach(async () => {
    fx = await openKeysFixture(testDatabases()[0]!);
    counted = countingConnection(fx.target.url);
  });
  afterEach(async () => {
    await fx.close();
    await counted.close();
  });

  it('queries the store once per key within the delay, however many requests present it at once', async () => {
    const keys = fx.keys({ db: counted.db });
    const { key } = await keys.create({ name: 'k', createdBy: 'admin' });
    counted.counts.clear();
    await Promise.all(Array.from({ length: 20 }, () => keys.verify(key)));
    for (let i = 0; i < 100; i++) await keys.verify(key);
    expect(counted.counts.get('select')).toBe(1);
    expect(counted.counts.get('update')).toBeUndefined(); // last use is not written on the request path
  });

  it('remembers an unknown key briefly, so a client retrying a wrong key costs one query', async () => {
    const keys = fx.keys({ db: counted.db });
    const wrong = `ghk_${'w'.repeat(43)}`;
    for (let i = 0; i < 50; i++) expect(await failureOf(keys.verify(wrong))).toBe('no_such_key');
    expect(counted.counts.get('select')).toBe(1);
    // A malformed key never reaches the store.
    for (let i = 0; i < 10; i++) await failureOf(keys.verify('ghk_garbage'));
    expect(counted.counts.get('select')).toBe(1);
  });

  it('looks a key up again once the revocation delay has passed', async () => {
    const keys = fx.keys({ db: counted.db, revocationDelayMs: 50 });
    const { key } = await keys.create({ name: 'k', createdBy: 'admin' });
    counted.counts.clear();
    await keys.verify(key);
    await sleep(80);
    await keys.verify(key);
    expect(counted.counts.get('select')).toBe(2);
  });

  it('writes last use in batches: one update per key per interval, shown in lists before it is written', async () => {
    const keys = fx.keys({ db: counted.db, lastUsedIntervalMs: 3_600_000 });
    const a = await keys.create({ name: 'a', createdBy: 'admin' });
    const b = await keys.create({ name: 'b', createdBy: 'admin' });
    counted.counts.clear();
    for (let i = 0; i < 30; i++) await Promise.all([keys.verify(a.key), keys.verify(b.key)]);
    expect(counted.counts.get('update')).toBeUndefined();
    expect((await keys.get(a.record.id))?.lastUsedAt).toBeInstanceOf(Date);
    const stored = await fx.store.db.selectFrom('api_keys').select('last_used_at').execute();
    expect(stored.map((row) => row.last_used_at)).toEqual([null, null]);

    await keys.flushLastUsed();
    expect(counted.counts.get('update')).toBe(2);
    const written = await fx.store.db.selectFrom('api_keys').select('last_used_at').execute();
    expect(written.every((row) => typeof row.last_used_at === 'number')).toBe(true);
    await keys.flushLastUsed(); // nothing new: no write
    expect(counted.counts.get('update')).toBe(2);
  });

  it('writes noted uses on its timer and on close', async () => {
    const timed = fx.keys({ lastUsedIntervalMs: 30 });
    const { key, record } = await timed.create({ name: 't', createdBy: 'admin' });
    await timed.verify(key);
    const lastUsed = () => fx.store.db.selectFrom('api_keys').select('last_used_at').where('id', '=', record.id).executeTakeFirstOrThrow();
    const deadline = Date.now() + 2_000;
    while ((await lastUsed()).last_used_at === null && Date.now() < deadline) await sleep(20);
    expect((await lastUsed()).last_used_at).not.toBeNull();

    const closing = fx.keys({ lastUsedIntervalMs: 3_600_000 });
    const other = await closing.create({ name: 'c', createdBy: 'admin' });
    await closing.verify(other.key);
    await closing.close();
    const closed = await fx.store.db.selectFrom('api_keys').select('last_used_at').where('id', '=', other.record.id).executeTakeFirstOrThrow();
    expect(closed.last_used_at).not.toBeNull();
  });

  it('keeps last-use times whose write failed for the next attempt, and reports the failure', async () => {
    const errors: unknown[] = [];
    const keys = fx.keys({ db: counted.db, lastUsedIntervalMs: 3_600_000, onError: (error) => errors.push(error) });
    const { key, record } = await keys.create({ name: 'k', createdBy: 'admin' });
    await keys.verify(key);
    await counted.db.schema.alterTable('api_keys').renameTo('api_keys_away').execute();
    await expect(keys.flushLastUsed()).rejects.toThrow();
    expect(errors).toHaveLength(1);
    await counted.db.schema.alterTable('api_keys_away').renameTo('api_keys').execute();
    await keys.flushLastUsed();
    expect((await fx.store.db.selectFrom('api_keys').select('last_used_at').where('id', '=', record.id).executeTakeFirstOrThrow()).last_used_at).not.toBeNull();
  });
});
