import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdminRule } from '../../../src/identity/admins.js';
import { testDatabases } from '../../store/databases.js';
import { Clock, failureOf, openKeysFixture, person, type KeysFixture } from './fixtures.js';

const HOUR = 3_600_000;

describe('personal keys', () => {
  let fx: KeysFixture;
  let clock: Clock;
  beforeEach(async () => {
    fx = await openKeysFixture(testDatabases()[0]!);
    clock = new Clock();
  });
  afterEach(() => fx.close());

  it('acts as the person as of minting: subject, email, name, groups, claims; admin while still an admin', async () => {
    const keys = fx.keys({ now: clock.now });
    const alice = person();
    const { key, record } = await keys.createPersonalKey(alice, { name: 'laptop' });
    expect(key).toMatch(/^ghp_[A-Za-z0-9_-]{43}$/);
    expect(record).toMatchObject({ kind: 'personal', name: 'laptop', ownerUser: 'alice-sub', createdBy: 'alice-sub', expiresAt: new Date(clock.time + 8 * HOUR) });

    const principal = await keys.verify(key);
    expect(principal).toEqual({ ...alice, authMethod: 'personal_key', keyId: record.id });
    // Later changes to the person's token do not reach the key: it carries the snapshot.
    (alice.groups as string[]).push('added-later');
    expect((await keys.verify(key)).groups).toEqual(['ml-senior', 'gatehouse-admins']);
  });

  it('is an admin only if the person was one at minting and the current admin rule agrees', async () => {
    const keys = fx.keys();
    const wasAdmin = await keys.createPersonalKey(person(), {});
    const wasNot = await keys.createPersonalKey(person({ admin: false }), {});
    expect((await keys.verify(wasAdmin.key)).admin).toBe(true);
    expect((await keys.verify(wasNot.key)).admin).toBe(false);
    keys.setAdmins(new AdminRule({ groups: ['someone-else'], emails: [] }));
    expect((await keys.verify(wasAdmin.key)).admin).toBe(false);
  });

  it('uses the default lifetime, clamped to the maximum, and refuses longer or non-positive lifetimes', async () => {
    const keys = fx.keys({ now: clock.now, personalDefaultLifetimeMs: 48 * HOUR, personalMaxLifetimeMs: 24 * HOUR });
    expect((await keys.createPersonalKey(person(), {})).record.expiresAt).toEqual(new Date(clock.time + 24 * HOUR));
    expect((await keys.createPersonalKey(person(), { lifetimeMs: 24 * HOUR })).record.expiresAt).toEqual(new Date(clock.time + 24 * HOUR));
    await expect(keys.createPersonalKey(person(), { lifetimeMs: 24 * HOUR + 1 })).rejects.toMatchObject({ code: 'GH_ERR_BAD_REQUEST', param: 'lifetime' });
    await expect(keys.createPersonalKey(person(), { lifetimeMs: 0 })).rejects.toMatchObject({ code: 'GH_ERR_BAD_REQUEST', param: 'lifetime' });
  });

  it('expires at the end of its lifetime', async () => {
    const keys = fx.keys({ now: clock.now });
    const { key } = await keys.createPersonalKey(person(), { lifetimeMs: HOUR });
    await keys.verify(key);
    clock.advance(HOUR);
    expect(await failureOf(keys.verify(key))).toBe('expired');
  });

  it('cannot be minted with a key (virtual, personal or bootstrap) nor anonymously', async () => {
    const keys = fx.keys();
    const { key } = await keys.createPersonalKey(person({ authMethod: 'session' }), {});
    const fromPersonalKey = await keys.verify(key);
    const service = await keys.create({ name: 's', ownerUser: 'alice-sub', createdBy: 'admin' });
    const fromServiceKey = await keys.verify(service.key);
    for (const principal of [fromPersonalKey, fromServiceKey, person({ authMethod: 'bootstrap_key' }), person({ authenticated: false, authMethod: 'none' })]) {
      await expect(keys.createPersonalKey(principal, {})).rejects.toMatchObject({ code: 'GH_ERR_POLICY_DENIED' });
    }
  });
});
