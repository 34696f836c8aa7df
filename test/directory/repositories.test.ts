import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/database.js';
import { addTeamMember, deleteTeam, getTeam, insertTeam, listTeams, removeTeamMember, teamExists, teamsOfSubjects, updateTeam, type NewTeam } from '../../src/store/teams.js';
import { getUser, isUserBlocked, listUsers, recordUserSeen, updateUser } from '../../src/store/users.js';
import { testDatabases, type OpenedTestDatabase } from '../store/databases.js';

const T0 = new Date('2030-01-01T00:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

function team(id: string, overrides: Partial<NewTeam> = {}): NewTeam {
  return { id, name: `Team ${id}`, allowedModels: undefined, limits: [], budgets: [], metadata: {}, createdAt: T0, ...overrides };
}

const person = (subject: string, email?: string, groups: string[] = []) => ({ subject, email, name: subject.toUpperCase(), groups });

for (const database of testDatabases()) {
  describe.runIf(database.enabled)(`teams and users repositories on ${database.name}`, () => {
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

    it('round-trips a team with JSON columns, and refuses a second team with the same id', async () => {
      const { db } = await open();
      const data = team('ml', { allowedModels: ['gpt-a'], limits: [{ rpm: 60 }, { tpm: 1000, concurrent: 2 }], budgets: [{ usd: 12.5, period: 'month' }], metadata: { cost_center: 42 } });
      expect(await insertTeam(db, data)).toBe(true);
      expect(await insertTeam(db, team('ml', { name: 'other' }))).toBe(false);
      expect(await getTeam(db, 'ml')).toEqual({ ...data, members: [], updatedAt: T0 });
      expect(await teamExists(db, 'ml')).toBe(true);
      expect(await teamExists(db, 'nope')).toBe(false);
      expect(await getTeam(db, 'nope')).toBeUndefined();
    });

    it('updates only the fields given, and null allowed models means every model again', async () => {
      const { db } = await open();
      await insertTeam(db, team('ml', { allowedModels: ['gpt-a'], limits: [{ rpm: 1 }] }));
      const updated = await updateTeam(db, 'ml', { budgets: [{ usd: 1, period: 'day' }] }, at(5));
      expect(updated).toMatchObject({ name: 'Team ml', allowedModels: ['gpt-a'], limits: [{ rpm: 1 }], budgets: [{ usd: 1, period: 'day' }], updatedAt: at(5), createdAt: T0 });
      expect((await updateTeam(db, 'ml', { allowedModels: null, name: 'ML' }, at(6)))?.allowedModels).toBeUndefined();
      expect(await updateTeam(db, 'nope', { name: 'x' }, at(7))).toBeUndefined();
    });

    it('keeps members per team, sorted, and teams per subject in the order joined', async () => {
      const { db } = await open();
      await insertTeam(db, team('b-team'));
      await insertTeam(db, team('a-team'));
      expect(await addTeamMember(db, 'b-team', 'zoe', at(1))).toBe(true);
      expect(await addTeamMember(db, 'b-team', 'al', at(2))).toBe(true);
      expect(await addTeamMember(db, 'b-team', 'al', at(3))).toBe(false);
      expect(await addTeamMember(db, 'a-team', 'al', at(4))).toBe(true);
      expect((await getTeam(db, 'b-team'))?.members).toEqual(['al', 'zoe']);
      expect((await listTeams(db)).map((t) => [t.id, t.members])).toEqual([['a-team', ['al']], ['b-team', ['al', 'zoe']]]);
      expect(await teamsOfSubjects(db, ['al', 'zoe', 'nobody'])).toEqual(new Map([['al', ['b-team', 'a-team']], ['zoe', ['b-team']], ['nobody', []]]));
      expect(await removeTeamMember(db, 'b-team', 'al')).toBe(true);
      expect(await removeTeamMember(db, 'b-team', 'al')).toBe(false);
      expect((await teamsOfSubjects(db, ['al'])).get('al')).toEqual(['a-team']);
    });

    it('deletes a team with its memberships', async () => {
      const { db } = await open();
      await insertTeam(db, team('ml'));
      await addTeamMember(db, 'ml', 'al', at(1));
      expect(await deleteTeam(db, 'ml')).toBe(true);
      expect(await deleteTeam(db, 'ml')).toBe(false);
      expect((await teamsOfSubjects(db, ['al'])).get('al')).toEqual([]);
      // A new team of the same name starts empty.
      await insertTeam(db, team('ml'));
      expect((await getTeam(db, 'ml'))?.members).toEqual([]);
    });

    it('creates a user when first seen and refreshes identity and last seen later, never moving it backwards', async () => {
      const { db } = await open();
      await recordUserSeen(db, person('alice', 'alice@example.com', ['a']), at(1));
      await recordUserSeen(db, person('alice', 'alice@corp.example', ['a', 'b']), at(10));
      await recordUserSeen(db, person('alice', 'alice@corp.example', ['a', 'b']), at(5));
      expect(await getUser(db, 'alice')).toEqual({
        subject: 'alice', email: 'alice@corp.example', name: 'ALICE', groups: ['a', 'b'], teams: [],
        createdAt: at(1), lastSeenAt: at(10), blocked: undefined, limits: undefined, budgets: undefined,
      });
      expect(await getUser(db, 'bob')).toBeUndefined();
    });

    it('blocks and unblocks, and sets and clears overrides, keeping them across sign-ins', async () => {
      const { db } = await open();
      await recordUserSeen(db, person('alice'), at(1));
      expect(await isUserBlocked(db, 'alice')).toBe(false);
      expect(await updateUser(db, 'alice', { blocked: { at: at(2), reason: 'left' }, limits: [{ rpm: 5 }], budgets: [] })).toBe(true);
      await recordUserSeen(db, person('alice'), at(3));
      expect(await getUser(db, 'alice')).toMatchObject({ blocked: { at: at(2), reason: 'left' }, limits: [{ rpm: 5 }], budgets: [] });
      expect(await isUserBlocked(db, 'alice')).toBe(true);
      await updateUser(db, 'alice', { blocked: null, limits: null });
      expect(await getUser(db, 'alice')).toMatchObject({ blocked: undefined, limits: undefined, budgets: [] });
      expect(await isUserBlocked(db, 'alice')).toBe(false);
      expect(await updateUser(db, 'nobody', { blocked: null })).toBe(false);
      expect(await updateUser(db, 'alice', {})).toBe(true);
      expect(await isUserBlocked(db, 'nobody')).toBe(false);
    });

    it('lists users by subject in keyset pages, filtered by team, blocked and email prefix', async () => {
      const { db } = await open();
      for (const [i, subject] of ['u1', 'u2', 'u3', 'u4', 'u5'].entries()) await recordUserSeen(db, person(subject, `${subject}@${i % 2 ? 'Odd' : 'even'}.example`), at(i));
      await recordUserSeen(db, person('x_y', 'a_b%c@x.example'), at(9));
      await recordUserSeen(db, person('noemail'), at(9));
      await insertTeam(db, team('ml'));
      await addTeamMember(db, 'ml', 'u2', at(1));
      await addTeamMember(db, 'ml', 'u4', at(1));
      await updateUser(db, 'u3', { blocked: { at: at(1), reason: '' } });

      const first = await listUsers(db, { limit: 3 });
      expect(first.users.map((u) => u.subject)).toEqual(['noemail', 'u1', 'u2']);
      const second = await listUsers(db, { limit: 3, after: first.nextCursor });
      expect(second.users.map((u) => u.subject)).toEqual(['u3', 'u4', 'u5']);
      const third = await listUsers(db, { limit: 3, after: second.nextCursor });
      expect([third.users.map((u) => u.subject), third.nextCursor]).toEqual([['x_y'], undefined]);

      const members = await listUsers(db, { team: 'ml' });
      expect(members.users.map((u) => [u.subject, u.teams])).toEqual([['u2', ['ml']], ['u4', ['ml']]]);
      expect((await listUsers(db, { blocked: true })).users.map((u) => u.subject)).toEqual(['u3']);
      expect((await listUsers(db, { blocked: false, team: 'ml' })).users).toHaveLength(2);
      expect((await listUsers(db, { emailPrefix: 'U2@' })).users.map((u) => u.subject)).toEqual(['u2']);
      expect((await listUsers(db, { emailPrefix: 'u' })).users).toHaveLength(5);
      // LIKE wildcards in the prefix match literally.
      expect((await listUsers(db, { emailPrefix: 'a_b%' })).users.map((u) => u.subject)).toEqual(['x_y']);
      expect((await listUsers(db, { emailPrefix: 'a%' })).users).toEqual([]);
      await expect(listUsers(db, { limit: 0 })).rejects.toThrow(RangeError);
    });
  });
}
