import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Directory, keyPolicyOf, NO_OVERRIDES, withDirectoryObligations } from '../../src/directory/index.js';
import type { Principal } from '../../src/identity/principal.js';
import { bucketOf, NO_OBLIGATIONS, type BoundBudget, type BoundLimit, type Obligations } from '../../src/policy/obligations.js';
import { insertApiKey, updateApiKey, type StoredApiKey } from '../../src/store/api-keys.js';
import { openStore, type Store } from '../../src/store/database.js';
import { insertTeam } from '../../src/store/teams.js';
import { recordUserSeen, updateUser } from '../../src/store/users.js';

let store: Store;
let now: number;
let directory: Directory;

beforeEach(async () => {
  store = await openStore('sqlite::memory:');
  now = Date.parse('2030-01-01T00:00:00Z');
  directory = new Directory({ db: store.db, clock: () => now, cacheTtlMs: 10_000 });
});
afterEach(() => store.close());

let serial = 0;
async function storeKey(overrides: Partial<StoredApiKey> = {}): Promise<StoredApiKey> {
  serial++;
  const key: StoredApiKey = {
    id: `key_${serial}`,
    prefix: `ghk_${serial}`,
    hash: `${serial}`.padStart(64, 'c'),
    name: `key ${serial}`,
    kind: 'service',
    ownerUser: undefined,
    ownerTeam: undefined,
    allowedModels: undefined,
    metadata: {},
    createdAt: new Date(now),
    createdBy: 'key:bootstrap-1',
    expiresAt: undefined,
    lastUsedAt: undefined,
    revokedAt: undefined,
    identity: undefined,
    limits: [],
    budgets: [],
    ...overrides,
  };
  await insertApiKey(store.db, key);
  return key;
}

function keyPrincipal(keyId: string | undefined, overrides: Partial<Principal> = {}): Principal {
  return { authenticated: true, authMethod: 'virtual_key', subject: `key:${keyId}`, email: undefined, name: 'svc', groups: [], claims: {}, keyId, team: undefined, allowedModels: undefined, admin: false, ...overrides };
}

const unbound = (rule: string, per: BoundLimit['per'], limit: Partial<BoundLimit>): BoundLimit => ({ rule, per, rpm: undefined, tpm: undefined, concurrent: undefined, ...limit });

describe('keyPolicyOf', () => {
  it("binds a key's limits and budgets per key, under the rule `key <id>`", () => {
    expect(keyPolicyOf('key_a', { limits: [{ rpm: 5, concurrent: 2 }], budgets: [{ usd: 3, period: 'week' }] })).toEqual({
      keyId: 'key_a',
      limits: [unbound('key key_a', 'key', { rpm: 5, concurrent: 2 })],
      budgets: [{ rule: 'key key_a', per: 'key', usd: 3, period: 'week' }],
    });
  });

  it('gives nothing for a key without limits or budgets, or no key at all', () => {
    expect(keyPolicyOf('key_a', { limits: [], budgets: [] })).toBeUndefined();
    expect(keyPolicyOf('key_a', undefined)).toBeUndefined();
  });

  it('counts in the bucket of the key the principal presented', () => {
    const policy = keyPolicyOf('key_a', { limits: [{ rpm: 1 }], budgets: [] })!;
    expect(bucketOf(policy.limits[0]!.per, keyPrincipal('key_a'), 'model-a')).toBe('key:key_a');
  });
});

describe('Directory: key limits and budgets', () => {
  const policyLimit = unbound('per-user', 'user', { rpm: 10 });
  const policyKeyLimit = unbound('every key', 'key', { tpm: 1000 });
  const policyBudget: BoundBudget = { rule: 'per-user budget', per: 'user', usd: 5, period: 'day' };
  const policy: Obligations = { ...NO_OBLIGATIONS, limits: [policyLimit, policyKeyLimit], budgets: [policyBudget] };

  it("adds a virtual key's limits and budgets on top of policy's, its own included", async () => {
    const key = await storeKey({ limits: [{ rpm: 3 }], budgets: [{ usd: 20, period: 'month' }] });
    const result = await directory.obligationsFor(keyPrincipal(key.id), policy);
    expect(result.limits).toEqual([policyLimit, policyKeyLimit, unbound(`key ${key.id}`, 'key', { rpm: 3 })]);
    expect(result.budgets).toEqual([policyBudget, { rule: `key ${key.id}`, per: 'key', usd: 20, period: 'month' }]);
    expect(result.route).toBe(policy.route);
  });

  it("adds a personal key's limits, set by an administrator, to the person's", async () => {
    const key = await storeKey({ kind: 'personal', ownerUser: 'alice', limits: [{ concurrent: 1 }] });
    const alice = keyPrincipal(key.id, { authMethod: 'personal_key', subject: 'alice' });
    expect((await directory.obligationsFor(alice, policy)).limits).toEqual([policyLimit, policyKeyLimit, unbound(`key ${key.id}`, 'key', { concurrent: 1 })]);
  });

  it("keeps a key's limits when the owner's override lifts the per-user ones, and adds the team's too", async () => {
    await recordUserSeen(store.db, { subject: 'alice', email: undefined, name: undefined, groups: [] }, new Date(now));
    await updateUser(store.db, 'alice', { limits: [], budgets: [] });
    await insertTeam(store.db, { id: 'ml', name: 'ML', allowedModels: undefined, limits: [{ rpm: 100 }], budgets: [], metadata: {}, createdAt: new Date(now) });
    const key = await storeKey({ ownerUser: 'alice', ownerTeam: 'ml', limits: [{ rpm: 2 }], budgets: [{ usd: 1, period: 'total' }] });
    const result = await directory.obligationsFor(keyPrincipal(key.id, { subject: 'alice', team: 'ml' }), policy);
    expect(result.limits.map((limit) => limit.rule)).toEqual(['every key', 'team ml', `key ${key.id}`]);
    expect(result.budgets.map((budget) => budget.rule)).toEqual([`key ${key.id}`]);
  });

  it('leaves obligations as they are (the same object) for keys without limits, unknown keys and principals without a key', async () => {
    const key = await storeKey();
    expect(await directory.obligationsFor(keyPrincipal(key.id), policy)).toBe(policy);
    expect(await directory.obligationsFor(keyPrincipal('key_gone'), policy)).toBe(policy);
    expect(await directory.obligationsFor(keyPrincipal(undefined, { authMethod: 'jwt', subject: 'bob' }), policy)).toBe(policy);
  });

  it('never reads key limits for a bootstrap key', async () => {
    const key = await storeKey({ limits: [{ rpm: 1 }] });
    expect(await directory.obligationsFor(keyPrincipal(key.id, { authMethod: 'bootstrap_key' }), policy)).toBe(policy);
  });

  it('sees a change after the cache time, or at once after forgetKey', async () => {
    const key = await storeKey({ limits: [{ rpm: 3 }] });
    expect((await directory.keyPolicy(key.id))?.limits).toEqual([unbound(`key ${key.id}`, 'key', { rpm: 3 })]);
    await updateApiKey(store.db, key.id, { limits: [{ rpm: 30 }] });
    expect((await directory.keyPolicy(key.id))?.limits[0]?.rpm).toBe(3);
    now += 10_001;
    expect((await directory.keyPolicy(key.id))?.limits[0]?.rpm).toBe(30);
    await updateApiKey(store.db, key.id, { limits: [] });
    directory.forgetKey(key.id);
    expect(await directory.keyPolicy(key.id)).toBeUndefined();
  });

  it('shares one query among concurrent requests, and does not keep a failed read', async () => {
    const key = await storeKey({ limits: [{ rpm: 3 }] });
    const [first, second] = [directory.keyPolicy(key.id), directory.keyPolicy(key.id)];
    expect(first).toBe(second);
    await first;

    const other = await storeKey({ limits: [{ tpm: 7 }] });
    await sql`alter table api_keys rename to api_keys_away`.execute(store.db);
    await expect(directory.keyPolicy(other.id)).rejects.toThrow();
    await sql`alter table api_keys_away rename to api_keys`.execute(store.db);
    expect((await directory.keyPolicy(other.id))?.limits[0]?.tpm).toBe(7);
  });
});

describe('withDirectoryObligations with a key', () => {
  it('adds key entries after team entries, and leaves policy untouched without any', () => {
    const key = keyPolicyOf('key_a', { limits: [{ rpm: 1 }], budgets: [{ usd: 2, period: 'day' }] });
    const result = withDirectoryObligations(NO_OBLIGATIONS, undefined, NO_OVERRIDES, key);
    expect(result.limits).toEqual(key!.limits);
    expect(result.budgets).toEqual(key!.budgets);
    expect(Object.isFrozen(result.limits)).toBe(true);
    expect(withDirectoryObligations(NO_OBLIGATIONS, undefined, NO_OVERRIDES, undefined)).toBe(NO_OBLIGATIONS);
  });
});
