import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminCliIo } from '../../src/cli/admin-client.js';
import { parseBudget, parseLimit, runTeamsCommand } from '../../src/cli/teams.js';
import { runUsersCommand } from '../../src/cli/users.js';
import { getTeam } from '../../src/store/teams.js';
import { getUser, recordUserSeen } from '../../src/store/users.js';
import { ADMIN_KEY, startAdminApp, type AdminApp } from '../admin/app-fixture.js';
import { closedPortUrl } from '../support/closed-port.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let fx: AdminApp;
let url: string;
beforeAll(async () => {
  fx = await startAdminApp();
  url = await fx.app.listen({ host: '127.0.0.1', port: 0 });
  for (const subject of ['alice-sub', 'bob-sub', 'carol-sub']) {
    await recordUserSeen(fx.store.db, { subject, email: `${subject.slice(0, -4)}@example.com`, name: subject, groups: ['staff'] }, new Date('2030-01-01T10:00:00Z'));
  }
});
afterAll(() => fx?.close());

interface Run {
  out: string;
  err: string;
  exitCode: number;
}

type Runner = (args: string[], io: AdminCliIo) => Promise<void>;

async function run(command: Runner, args: string[], env: Record<string, string | undefined> = { GATEHOUSE_URL: url, GATEHOUSE_ADMIN_KEY: ADMIN_KEY }): Promise<Run> {
  const result: Run = { out: '', err: '', exitCode: 0 };
  await command(args, { out: (text) => void (result.out += text), err: (text) => void (result.err += text), env, setExitCode: (code) => void (result.exitCode = code) });
  return result;
}

const teams = (...args: string[]) => run(runTeamsCommand, args);
const users = (...args: string[]) => run(runUsersCommand, args);

describe('gatehouse teams', () => {
  it('creates a team with members, models, limits and budgets, shows and lists it', async () => {
    const created = await teams('create', 'ml', '--name', 'Machine learning', '--members', 'alice-sub, bob-sub', '--models', 'model-a', '--limit', 'rpm=60,tpm=200000', '--limit', 'concurrent=4', '--budget', '500/month');
    expect(created).toMatchObject({ exitCode: 0, err: '' });
    expect(created.out).toContain('Created team ml.');
    expect(await getTeam(fx.store.db, 'ml')).toMatchObject({
      name: 'Machine learning', members: ['alice-sub', 'bob-sub'], allowedModels: ['model-a'], limits: [{ rpm: 60, tpm: 200000 }, { concurrent: 4 }], budgets: [{ usd: 500, period: 'month' }],
    });
    const shown = await teams('show', 'ml');
    expect(shown.out).toContain('Members:  alice-sub, bob-sub');
    expect(shown.out).toContain('Limits:   rpm=60,tpm=200000  concurrent=4');
    expect(shown.out).toContain('Budgets:  $500/month');
    const listed = await teams('list');
    expect(listed.out.split('\n')[0]).toMatch(/^ID\s+NAME\s+MEMBERS\s+MODELS\s+LIMITS\s+BUDGETS$/);
    expect(listed.out).toMatch(/ml\s+Machine learning\s+2\s+model-a\s+rpm=60,tpm=200000 concurrent=4\s+\$500\/month/);
    expect(JSON.parse((await teams('show', 'ml', '--json')).out)).toMatchObject({ id: 'ml', object: 'team' });
  });

  it('updates, changes members and deletes', async () => {
    await teams('create', 'ops');
    const updated = await teams('update', 'ops', '--models', 'all', '--budget', '10.5/day', '--clear-limits');
    expect(updated.exitCode).toBe(0);
    expect(await getTeam(fx.store.db, 'ops')).toMatchObject({ allowedModels: undefined, budgets: [{ usd: 10.5, period: 'day' }], limits: [] });
    expect((await teams('add-member', 'ops', 'carol-sub')).out).toBe('Added carol-sub to team ops.\n');
    expect((await getTeam(fx.store.db, 'ops'))?.members).toEqual(['carol-sub']);
    expect((await teams('remove-member', 'ops', 'carol-sub')).out).toBe('Removed carol-sub from team ops.\n');
    expect((await teams('delete', 'ops')).out).toBe('Deleted team ops.\n');
    expect(await getTeam(fx.store.db, 'ops')).toBeUndefined();
  });

  it("prints the gateway's error and exits 1, and refuses malformed options before calling", async () => {
    const missing = await teams('show', 'nope');
    expect(missing).toMatchObject({ exitCode: 1, err: 'error: No team with id "nope".\n' });
    const invalid = await teams('create', 'Bad Id');
    expect(invalid.exitCode).toBe(1);
    expect(invalid.err).toContain('id:');
    expect(await teams('update', 'ml')).toMatchObject({ exitCode: 1, err: expect.stringContaining('nothing to change') });
    expect(await teams('create', 'x', '--limit', 'rpm=fast')).toMatchObject({ exitCode: 1, err: expect.stringContaining('--limit rpm=fast') });
    expect(await teams('frobnicate')).toMatchObject({ exitCode: 1 });
    const unreachable = await run(runTeamsCommand, ['list'], { GATEHOUSE_URL: await closedPortUrl(), GATEHOUSE_ADMIN_KEY: ADMIN_KEY });
    expect(unreachable).toMatchObject({ exitCode: 1, err: expect.stringContaining('cannot reach') });
    expect(await run(runTeamsCommand, ['list'], { GATEHOUSE_URL: url })).toMatchObject({ exitCode: 1, err: expect.stringContaining('no admin key') });
  });

  it('parses limit and budget specs', () => {
    expect(parseLimit('rpm=1, tpm=2,concurrent=3')).toEqual({ rpm: 1, tpm: 2, concurrent: 3 });
    expect(parseBudget('$12.50 / week')).toEqual({ usd: 12.5, period: 'week' });
    expect(() => parseBudget('12/year')).toThrow('expected USD/PERIOD');
    expect(() => parseLimit('rps=1')).toThrow('expected rpm=N');
  });
});

describe('gatehouse users', () => {
  it('lists users with filters and a cursor for the next page', async () => {
    const all = await users('list');
    expect(all.out.split('\n')[0]).toMatch(/^SUBJECT\s+EMAIL\s+NAME\s+TEAMS\s+BLOCKED\s+LAST SEEN$/);
    expect(all.out).toMatch(/alice-sub\s+alice@example.com\s+alice-sub\s+ml\s+-\s+2030-01-01 10:00/);
    const page = await users('list', '--limit', '2');
    expect(page.out).toContain('More users: add --cursor bob-sub');
    expect((await users('list', '--limit', '2', '--cursor', 'bob-sub')).out).toContain('carol-sub');
    expect((await users('list', '--team', 'ml')).out).not.toContain('carol-sub');
    expect(JSON.parse((await users('list', '--email', 'car', '--json')).out).data.map((user: { subject: string }) => user.subject)).toEqual(['carol-sub']);
  });

  it('blocks with a reason, shows it, filters on it, and unblocks', async () => {
    expect((await users('block', 'carol-sub', '--reason', 'left')).out).toBe('Blocked carol-sub (left).\n');
    expect((await getUser(fx.store.db, 'carol-sub'))?.blocked?.reason).toBe('left');
    expect((await users('show', 'carol-sub')).out).toMatch(/Blocked:\s+since \d{4}-\d\d-\d\d \d\d:\d\d: left/);
    expect((await users('list', '--blocked')).out).toContain('carol-sub');
    expect((await users('list', '--active')).out).not.toContain('carol-sub');
    expect((await users('unblock', 'carol-sub')).out).toBe('Unblocked carol-sub.\n');
    expect((await getUser(fx.store.db, 'carol-sub'))?.blocked).toBeUndefined();
    expect(await users('block', 'nobody')).toMatchObject({ exitCode: 1, err: expect.stringContaining('No user with subject "nobody"') });
  });
});

function gatehouse(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'bin/gatehouse.js'), ...args], { cwd: ROOT, env: { ...process.env, GATEHOUSE_URL: url, GATEHOUSE_ADMIN_KEY: ADMIN_KEY } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('the built binary', () => {
  it('runs gatehouse teams and gatehouse users against the gateway', async () => {
    if (!existsSync(path.join(ROOT, 'dist/cli/teams.js'))) throw new Error('dist/ is not built: run "npm run build" before this test');
    const created = await gatehouse(['teams', 'create', 'bin-team', '--members', 'bob-sub', '--budget', '5/total']);
    expect(created).toMatchObject({ code: 0, stdout: expect.stringContaining('Created team bin-team.') });
    expect(await gatehouse(['users', 'show', 'bob-sub'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/Teams:\s+ml, bin-team/) });
    expect(await gatehouse(['teams', 'show', 'no-such-team'])).toMatchObject({ code: 1, stderr: 'error: No team with id "no-such-team".\n' });
  });
});
