/**
 * BrowserSessions on every test database (SQLite file and memory; Postgres when TEST_DATABASE_URL is set), with
 * an injected clock: lifetimes, activity, refresh, and what the store holds. With TEST_REDIS_URL set the same
 * suite runs with the Redis mirror (and fails, never skips, when that Redis cannot be reached).
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdminRule } from '../../../src/identity/admins.js';
import { BrowserSessions, type ClaimsRefresher, type RefreshedIdentity } from '../../../src/identity/sessions/browser-sessions.js';
import type { IdentitySnapshot } from '../../../src/identity/sessions/identity-snapshot.js';
import { RedisSessionMirror, type SessionMirror } from '../../../src/identity/sessions/redis-mirror.js';
import { SecretBox, tokenHash } from '../../../src/identity/sessions/secret-box.js';
import { openStore, type Store } from '../../../src/store/database.js';
import { testDatabases, type OpenedTestDatabase } from '../../store/databases.js';

const MINUTE = 60_000;
const LIFETIMES = { absoluteMs: 12 * 60 * MINUTE, idleMs: 60 * MINUTE, refreshIntervalMs: 15 * MINUTE };
const ALICE: IdentitySnapshot = { subject: 'alice', email: 'alice@example.com', name: 'Alice', groups: ['ml-senior'], claims: { department: 'research' } };
const REFRESH_TOKEN = 'idp-refresh-token-SECRET-0123';

/** A refresher that answers as scripted and records what it was asked. */
class ScriptedRefresher implements ClaimsRefresher {
  calls: Array<{ refreshToken: string; subject: string }> = [];
  next: () => Promise<RefreshedIdentity> = () => Promise.reject(new Error('not scripted'));
  refresh(refreshToken: string, subject: string): Promise<RefreshedIdentity> {
    this.calls.push({ refreshToken, subject });
    return this.next();
  }
}

const redisUrl = process.env.TEST_REDIS_URL;
const variants = testDatabases().flatMap((database) => [
  { database, redis: false, name: database.name },
  { database, redis: true, name: `${database.name} + redis mirror${redisUrl ? '' : ' (skipped: set TEST_REDIS_URL=redis://… to run)'}`, enabled: database.enabled && Boolean(redisUrl) },
]);

describe.each(variants)('browser sessions on $name', ({ database, redis, enabled }) => {
  let opened: OpenedTestDatabase;
  let store: Store;
  let client: Redis | undefined;
  let mirror: SessionMirror | undefined;
  let now: number;
  let refresher: ScriptedRefresher;
  let sessions: BrowserSessions;
  const box = SecretBox.fromSecret('a-test-secret-of-enough-length', 'gatehouse session refresh token');

  const build = (extra: Partial<ConstructorParameters<typeof BrowserSessions>[0]> = {}) =>
    new BrowserSessions({ db: store.db, box, lifetimes: LIFETIMES, cookieName: 'gatehouse_session', admins: () => new AdminRule({ groups: ['admins'], emails: [] }), refresher, mirror, clock: () => now, ...extra });

  beforeEach(async () => {
    opened = await database.open();
    store = await openStore(opened.url);
    if (redis) {
      client = new Redis(redisUrl!, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await client.connect(); // rejects, failing the test, when TEST_REDIS_URL is set but unreachable
      mirror = new RedisSessionMirror(client, `gh-test-${randomBytes(4).toString('hex')}:`);
    }
    now = Date.UTC(2030, 0, 1);
    refresher = new ScriptedRefresher();
    sessions = build();
  });
  afterEach(async () => {
    await sessions.close();
    await store.close();
    await client?.quit();
    client = undefined;
    mirror = undefined;
    await opened.cleanup();
  });

  const run = enabled === false || !database.enabled ? it.skip : it;

  run('resolves a new session to its principal, and stores only a hash of the id and a sealed refresh token', async () => {
    const { cookieValue, maxAgeSeconds } = await sessions.create({ identity: ALICE, refreshToken: REFRESH_TOKEN, idToken: 'id.token.here' });
    expect(cookieValue).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(maxAgeSeconds).toBe(LIFETIMES.absoluteMs / 1000);
    expect(await sessions.verify(cookieValue)).toMatchObject({ authenticated: true, authMethod: 'session', subject: 'alice', groups: ['ml-senior'], claims: { department: 'research' }, admin: false });
    const rows = await store.db.selectFrom('sessions').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id_hash).toBe(tokenHash(cookieValue));
    expect(JSON.stringify(rows)).not.toContain(cookieValue);
    expect(JSON.stringify(rows)).not.toContain(REFRESH_TOKEN);
    expect(JSON.stringify(rows)).not.toContain('id.token.here');
    expect(box.open(rows[0]!.refresh_token!)).toBe(REFRESH_TOKEN);
  });

  run('treats tampered, unknown and malformed cookies as no session', async () => {
    const { cookieValue } = await sessions.create({ identity: ALICE });
    const flipped = `${cookieValue.slice(0, -1)}${cookieValue.endsWith('A') ? 'B' : 'A'}`;
    for (const cookie of [flipped, randomBytes(32).toString('base64url'), '', 'short', `${cookieValue}x`, "' or 1=1 --"]) {
      expect(await sessions.verify(cookie)).toBeUndefined();
    }
  });

  run('ends a session after the idle lifetime, and activity keeps it alive', async () => {
    const { cookieValue } = await sessions.create({ identity: ALICE });
    for (let i = 0; i < 4; i++) {
      now += 40 * MINUTE;
      expect(await sessions.verify(cookieValue)).toBeDefined();
      await sessions.flush();
    }
    // A fresh instance (another replica) sees the recorded activity.
    const replica = build();
    expect(await replica.verify(cookieValue)).toBeDefined();
    await replica.close();
    now += LIFETIMES.idleMs;
    expect(await sessions.verify(cookieValue)).toBeUndefined();
    expect(await store.db.selectFrom('sessions').selectAll().execute()).toHaveLength(0);
  });

  run('ends a session at its absolute lifetime, however active', async () => {
    const { cookieValue } = await sessions.create({ identity: ALICE });
    while (now < Date.UTC(2030, 0, 1) + LIFETIMES.absoluteMs - 30 * MINUTE) {
      now += 30 * MINUTE;
      expect(await sessions.verify(cookieValue)).toBeDefined();
    }
    now += 30 * MINUTE;
    expect(await sessions.verify(cookieValue)).toBeUndefined();
  });

  run('refreshes claims in the background once next_refresh_at passes', async () => {
    const { cookieValue } = await sessions.create({ identity: ALICE, refreshToken: REFRESH_TOKEN });
    now += LIFETIMES.refreshIntervalMs - 1;
    expect(await sessions.verify(cookieValue)).toBeDefined();
    expect(refresher.calls).toHaveLength(0);
    let answer!: (value: RefreshedIdentity) => void;
    refresher.next = () => new Promise((resolve) => (answer = resolve));
    now += 2;
    // The current claims are served while the refresh runs.
    expect((await sessions.verify(cookieValue))!.claims).toEqual({ department: 'research' });
    await expect.poll(() => refresher.calls.length).toBe(1);
    expect(refresher.calls[0]).toEqual({ refreshToken: REFRESH_TOKEN, subject: 'alice' });
    answer({ identity: { ...ALICE, groups: ['ml-senior', 'admins'], claims: { department: 'legal' } }, idToken: 'new.id.token', refreshToken: 'rotated-refresh-token', idTokenExpiresAt: undefined });
    await expect.poll(async () => (await sessions.verify(cookieValue))?.claims).toEqual({ department: 'legal' });
    expect(await sessions.verify(cookieValue)).toMatchObject({ groups: ['ml-senior', 'admins'], admin: true });
    const row = await store.db.selectFrom('sessions').selectAll().executeTakeFirstOrThrow();
    expect(box.open(row.refresh_token!)).toBe('rotated-refresh-token');
    expect(row.next_refresh_at).toBe(now + LIFETIMES.refreshIntervalMs);
    // Another replica reads the refreshed claims from the store.
    const replica = build();
    expect((await replica.verify(cookieValue))!.claims).toEqual({ department: 'legal' });
    await replica.close();
  });

  run('refreshes at the ID token expiry when that comes before the interval', async () => {
    await sessions.create({ identity: ALICE, refreshToken: REFRESH_TOKEN, idTokenExpiresAt: now + 5 * MINUTE });
    expect((await store.db.selectFrom('sessions').select('next_refresh_at').executeTakeFirstOrThrow()).next_refresh_at).toBe(now + 5 * MINUTE);
  });

  run('ends the session when its refresh fails', async () => {
    const { cookieValue } = await sessions.create({ identity: ALICE, refreshToken: REFRESH_TOKEN });
    refresher.next = () => Promise.reject(new Error('invalid_grant'));
    now += LIFETIMES.refreshIntervalMs;
    await sessions.verify(cookieValue);
    await expect.poll(async () => (await store.db.selectFrom('sessions').selectAll().execute()).length).toBe(0);
    expect(await sessions.verify(cookieValue)).toBeUndefined();
  });

  run('waits for the refresh when the claims are a whole interval overdue', async () => {
    const { cookieValue } = await sessions.create({ identity: ALICE, refreshToken: REFRESH_TOKEN });
    refresher.next = () => Promise.reject(new Error('invalid_grant'));
    now += 2 * LIFETIMES.refreshIntervalMs;
    expect(await sessions.verify(cookieValue)).toBeUndefined();
  });

  run('lets only one replica refresh a session at a time', async () => {
    const { cookieValue } = await sessions.create({ identity: ALICE, refreshToken: REFRESH_TOKEN });
    const replica = build();
    refresher.next = () => new Promise(() => undefined); // never answers
    now += LIFETIMES.refreshIntervalMs;
    await Promise.all([sessions.verify(cookieValue), replica.verify(cookieValue), sessions.verify(cookieValue)]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(refresher.calls).toHaveLength(1);
    await replica.close();
  });

  run('never refreshes a session without a refresh token', async () => {
    const { cookieValue } = await sessions.create({ identity: ALICE });
    now += 3 * LIFETIMES.refreshIntervalMs;
    expect(await sessions.verify(cookieValue)).toBeDefined();
    expect(refresher.calls).toHaveLength(0);
  });

  run('replaces the browser’s previous session at sign-in, and ends a session on request', async () => {
    const first = await sessions.create({ identity: ALICE, idToken: 'first.id.token' });
    const second = await sessions.create({ identity: ALICE, idToken: 'second.id.token' }, first.cookieValue);
    expect(second.cookieValue).not.toBe(first.cookieValue);
    expect(await sessions.verify(first.cookieValue)).toBeUndefined();
    expect(await sessions.end(second.cookieValue)).toEqual({ idToken: 'second.id.token' });
    expect(await sessions.verify(second.cookieValue)).toBeUndefined();
    expect(await sessions.end(second.cookieValue)).toBeUndefined();
  });

  run('stops trusting a session ended by another replica once the memory cache lapses', async () => {
    const { cookieValue } = await sessions.create({ identity: ALICE });
    expect(await sessions.verify(cookieValue)).toBeDefined();
    const replica = build();
    await replica.end(cookieValue);
    await replica.close();
    now += 5_001;
    expect(await sessions.verify(cookieValue)).toBeUndefined();
  });
});
