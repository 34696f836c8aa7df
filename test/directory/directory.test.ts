import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Directory } from '../../src/directory/index.js';
import { GatehouseError } from '../../src/errors.js';
import { ANONYMOUS, type Principal } from '../../src/identity/principal.js';
import type { BoundLimit, Obligations } from '../../src/policy/obligations.js';
import { NO_OBLIGATIONS } from '../../src/policy/obligations.js';
import { openStore, type Store } from '../../src/store/database.js';
import { addTeamMember, insertTeam, updateTeam } from '../../src/store/teams.js';
import { getUser, updateUser } from '../../src/store/users.js';

let store: Store;
let now: number;
let directory: Directory;
const errors: unknown[] = [];

beforeEach(async () => {
  store = await openStore('sqlite::memory:');
  now = Date.parse('2030-01-01T00:00:00Z');
  errors.length = 0;
  directory = new Directory({ db: store.db, clock: () => now, cacheTtlMs: 10_000, seenIntervalMs: 60_000, onError: (error) => errors.push(error) });
});
afterEach(() => store.close());

function person(subject: string, overrides: Partial<Principal> = {}): Principal {
  return { authenticated: true, authMethod: 'jwt', subject, email: `${subject}@example.com`, name: subject, groups: ['staff'], claims: {}, keyId: undefined, team: undefined, allowedModels: undefined, admin: false, ...overrides };
}

/** Background writes of recordSeen land after a turn of the event loop. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('Directory: recording people', () => {
  it('creates a person at first sign-in from their claims, and updates them at the next', async () => {
    await directory.recordSignIn(person('alice', { groups: ['a'] }));
    expect(await getUser(store.db, 'alice')).toMatchObject({ email: 'alice@example.com', groups: ['a'], createdAt: new Date(now), lastSeenAt: new Date(now) });
    const first = now;
    now += 5_000;
    await directory.recordSignIn(person('alice', { email: 'alice@new.example', name: 'Alice A', groups: ['a', 'b'] }));
    expect(await getUser(store.db, 'alice')).toMatchObject({ email: 'alice@new.example', name: 'Alice A', groups: ['a', 'b'], createdAt: new Date(first), lastSeenAt: new Date(now) });
  });

  it('records people only: not keys, bootstrap keys or anonymous callers', async () => {
    await directory.recordSignIn(ANONYMOUS);
    await directory.recordSignIn(person('svc', { authMethod: 'virtual_key' }));
    await directory.recordSignIn(person('boot', { authMethod: 'bootstrap_key' }));
    directory.recordSeen(person('minted', { authMethod: 'personal_key' }));
    await settle();
    for (const subject of ['anonymous', 'svc', 'boot', 'minted']) expect(await getUser(store.db, subject)).toBeUndefined();
  });

  it('writes a person seen on requests at most once per interval', async () => {
    directory.recordSeen(person('bob', { groups: ['one'] }));
    await settle();
    const created = now;
    now += 30_000;
    directory.recordSeen(person('bob', { groups: ['two'] }));
    await settle();
    expect(await getUser(store.db, 'bob')).toMatchObject({ groups: ['one'], lastSeenAt: new Date(created) });
    now += 31_000;
    directory.recordSeen(person('bob', { groups: ['three'] }));
    await settle();
    expect(await getUser(store.db, 'bob')).toMatchObject({ groups: ['three'], lastSeenAt: new Date(now), createdAt: new Date(created) });
  });

  it('reports a failed background write and tries again on the next request', async () => {
    await store.close();
    directory.recordSeen(person('carol'));
    await settle();
    expect(errors).toHaveLength(1);
    store = await openStore('sqlite::memory:');
    directory = new Directory({ db: store.db, clock: () => now });
    directory.recordSeen(person('carol'));
    await settle();
    expect(await getUser(store.db, 'carol')).toBeDefined();
  });
});

describe('Directory: blocked people', () => {
  it('answers from its cache until the TTL passes, and at once after forgetUser', async () => {
    await directory.recordSignIn(person('alice'));
    expect(await directory.isBlocked('alice')).toBe(false);
    await updateUser(store.db, 'alice', { blocked: { at: new Date(now), reason: 'left' } });
    now += 9_999;
    expect(await directory.isBlocked('alice')).toBe(false); // another replica's block: not seen yet
    now += 1;
    expect(await directory.isBlocked('alice')).toBe(true);
    await updateUser(store.db, 'alice', { blocked: null });
    directory.forgetUser('alice'); // a change made through this replica
    expect(await directory.isBlocked('alice')).toBe(false);
    expect(await directory.isBlocked('never-signed-in')).toBe(false);
  });

  it('refuses a blocked person with 403 whatever they present, but never a bootstrap key', async () => {
    await directory.recordSignIn(person('alice'));
    await updateUser(store.db, 'alice', { blocked: { at: new Date(now), reason: 'left' } });
    for (const authMethod of ['jwt', 'session', 'personal_key', 'virtual_key'] as const) {
      const refusal = await directory.resolvePrincipal(person('alice', { authMethod })).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(GatehouseError);
      expect(refusal).toMatchObject({ code: 'GH_ERR_POLICY_DENIED', status: 403 });
    }
    const bootstrap = person('alice', { authMethod: 'bootstrap_key' });
    expect(await directory.resolvePrincipal(bootstrap)).toBe(bootstrap);
    expect(await directory.resolvePrincipal(ANONYMOUS)).toBe(ANONYMOUS);
  });
});

describe('Directory: teams', () => {
  beforeEach(async () => {
    await insertTeam(store.db, { id: 'ml', name: 'ML', allowedModels: ['model-a', 'model-b'], limits: [{ rpm: 60, tpm: 1000 }], budgets: [{ usd: 100, period: 'month' }], metadata: {}, createdAt: new Date(now) });
    await insertTeam(store.db, { id: 'ops', name: 'Ops', allowedModels: undefined, limits: [], budgets: [], metadata: {}, createdAt: new Date(now) });
    await addTeamMember(store.db, 'ml', 'alice', new Date(now));
    await addTeamMember(store.db, 'ops', 'alice', new Date(now + 1));
  });

  it('knows the teams of a person, the first joined being their team', async () => {
    expect(await directory.teamsOf('alice')).toEqual(['ml', 'ops']);
    expect(await directory.teamOf('alice')).toBe('ml');
    expect(await directory.teamOf('bob')).toBeUndefined();
  });

  it('gives a team policy as bound limits and budgets counted per team', async () => {
    expect(await directory.teamPolicy('ml')).toEqual({
      teamId: 'ml',
      allowedModels: ['model-a', 'model-b'],
      limits: [{ rule: 'team ml', per: 'team', rpm: 60, tpm: 1000, concurrent: undefined }],
      budgets: [{ rule: 'team ml', per: 'team', usd: 100, period: 'month' }],
    });
    expect(await directory.teamPolicy('nope')).toBeUndefined();
  });

  it('places a person in their team, narrowing their models to the team', async () => {
    const placed = await directory.resolvePrincipal(person('alice'));
    expect(placed).toMatchObject({ team: 'ml', allowedModels: ['model-a', 'model-b'] });
    const unplaced = person('bob');
    expect(await directory.resolvePrincipal(unplaced)).toBe(unplaced);
  });

  it("keeps a key's own team, and a key's narrower models", async () => {
    const key = person('svc', { authMethod: 'virtual_key', team: 'ml', allowedModels: ['model-b', 'model-c'] });
    expect(await directory.resolvePrincipal(key)).toMatchObject({ team: 'ml', allowedModels: ['model-b'] });
    // A key without a team is not placed in its owner's team: the key says which team it spends for.
    const teamless = person('alice', { authMethod: 'virtual_key' });
    expect((await directory.resolvePrincipal(teamless)).team).toBeUndefined();
    // A key naming a team that does not exist keeps the name and gets no team policy.
    const orphan = person('svc', { authMethod: 'virtual_key', team: 'gone' });
    expect(await directory.resolvePrincipal(orphan)).toBe(orphan);
  });

  it('sees team changes after the cache time, or at once after forgetTeam', async () => {
    expect((await directory.teamPolicy('ml'))?.allowedModels).toEqual(['model-a', 'model-b']);
    await updateTeam(store.db, 'ml', { allowedModels: null }, new Date(now));
    expect((await directory.teamPolicy('ml'))?.allowedModels).toEqual(['model-a', 'model-b']);
    directory.forgetTeam('ml');
    expect((await directory.teamPolicy('ml'))?.allowedModels).toBeUndefined();
  });
});

describe('Directory: obligations', () => {
  const policyLimit: BoundLimit = { rule: 'per-user', per: 'user', rpm: 10, tpm: undefined, concurrent: undefined };
  const claimLimit: BoundLimit = { rule: 'dept', per: 'claim/department', rpm: 100, tpm: undefined, concurrent: undefined };
  const policy: Obligations = { ...NO_OBLIGATIONS, limits: [policyLimit, claimLimit], budgets: [{ rule: 'per-user budget', per: 'user', usd: 5, period: 'day' }] };

  beforeEach(async () => {
    await insertTeam(store.db, { id: 'ml', name: 'ML', allowedModels: undefined, limits: [{ concurrent: 3 }], budgets: [{ usd: 100, period: 'month' }], metadata: {}, createdAt: new Date(now) });
    await directory.recordSignIn(person('alice'));
  });

  it("adds the team's limits and budgets to policy's", async () => {
    const result = await directory.obligationsFor(person('alice', { team: 'ml' }), policy);
    expect(result.limits).toEqual([policyLimit, claimLimit, { rule: 'team ml', per: 'team', rpm: undefined, tpm: undefined, concurrent: 3 }]);
    expect(result.budgets.map((budget) => budget.rule)).toEqual(['per-user budget', 'team ml']);
    expect(result.route).toBe(policy.route);
  });

  it("replaces policy's per-user limits by a person's override, and [] lifts them", async () => {
    await updateUser(store.db, 'alice', { limits: [{ rpm: 1000 }] });
    const overridden = await directory.obligationsFor(person('alice'), policy);
    expect(overridden.limits).toEqual([claimLimit, { rule: 'user alice', per: 'user', rpm: 1000, tpm: undefined, concurrent: undefined }]);
    expect(overridden.budgets).toEqual(policy.budgets);
    await updateUser(store.db, 'alice', { budgets: [] });
    directory.forgetUser('alice');
    expect((await directory.obligationsFor(person('alice'), policy)).budgets).toEqual([]);
  });

  it('leaves obligations untouched without team or override, and for bootstrap keys', async () => {
    expect(await directory.obligationsFor(person('alice'), policy)).toBe(policy);
    expect(await directory.obligationsFor(person('alice', { authMethod: 'bootstrap_key', team: 'ml' }), policy)).toBe(policy);
  });
});
