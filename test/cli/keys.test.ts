import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKeysCommand, type KeysCliIo } from '../../src/cli/keys.js';
import { ADMIN_KEY, startAdminApp, type AdminApp } from '../admin/app-fixture.js';
import { closedPortUrl } from '../support/closed-port.js';

let fx: AdminApp;
let url: string;
beforeAll(async () => {
  fx = await startAdminApp();
  url = await fx.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(() => fx?.close());

interface Run {
  out: string;
  err: string;
  exitCode: number;
}

async function run(args: string[], env: Record<string, string | undefined> = { GATEHOUSE_URL: url, GATEHOUSE_ADMIN_KEY: ADMIN_KEY }): Promise<Run> {
  const result: Run = { out: '', err: '', exitCode: 0 };
  const io: KeysCliIo = {
    out: (text) => void (result.out += text),
    err: (text) => void (result.err += text),
    env,
    setExitCode: (code) => void (result.exitCode = code),
  };
  await runKeysCommand(args, io);
  return result;
}

describe('gatehouse keys', () => {
  it('creates a key, prints it once with a warning, and lists it by prefix only', async () => {
    const created = await run(['create', '--name', 'nightly', '--owner', 'svc-nightly', '--team', 'data', '--models', 'model-a, model-b', '--expires-in', '30d']);
    expect(created.exitCode).toBe(0);
    const key = /(ghk_[A-Za-z0-9_-]{43})/.exec(created.out)?.[1];
    expect(key).toBeDefined();
    expect(created.out).toContain('cannot be shown again');
    const stored = (await fx.keys!.list({ ownerUser: 'svc-nightly' }))[0]!;
    expect(stored).toMatchObject({ name: 'nightly', ownerTeam: 'data', allowedModels: ['model-a', 'model-b'] });
    expect(stored.expiresAt!.getTime() - Date.now()).toBeGreaterThan(29 * 86_400_000);

    const listed = await run(['list']);
    expect(listed.exitCode).toBe(0);
    const header = listed.out.split('\n')[0]!;
    for (const title of ['ID', 'PREFIX', 'NAME', 'OWNER', 'TEAM', 'MODELS', 'EXPIRES', 'LAST USED', 'REVOKED']) expect(header).toContain(title);
    const row = listed.out.split('\n').find((line) => line.includes(stored.id))!;
    expect(row).toContain(key!.slice(0, 12));
    expect(row).toContain('model-a,model-b');
    expect(listed.out).not.toContain(key!.slice(12));
  });

  it('speaks JSON with --json, takes --url and --admin-key over the environment, and revokes', async () => {
    const created = await run(['create', '--name', 'json one', '--json', '--url', url, '--admin-key', ADMIN_KEY], {});
    expect(created.exitCode).toBe(0);
    const body = JSON.parse(created.out) as { key: string; id: string; name: string };
    expect(body.name).toBe('json one');
    expect(body.key).toMatch(/^ghk_/);

    const revoked = await run(['revoke', body.id]);
    expect(revoked).toMatchObject({ exitCode: 0, out: `Revoked key ${body.id} "json one".\n` });
    const listed = JSON.parse((await run(['list', '--json'])).out) as Array<{ id: string; revoked_at: string | null }>;
    expect(listed.find((key) => key.id === body.id)?.revoked_at).not.toBeNull();
  });

  it("prints the API's message and exits 1 when the API refuses", async () => {
    const wrongKey = await run(['list', '--admin-key', 'not-the-admin-key']);
    expect(wrongKey).toMatchObject({ exitCode: 1, out: '', err: 'error: Invalid credential.\n' });
    const unknown = await run(['revoke', 'key_missing']);
    expect(unknown).toMatchObject({ exitCode: 1, err: 'error: No key with id "key_missing".\n' });
    const invalid = await run(['create', '--name', 'x', '--expires-in', 'soon']);
    expect(invalid.exitCode).toBe(1);
    expect(invalid.err).toContain('expires_in');
  });

  it('explains a missing admin key, an unreachable gateway and a missing option', async () => {
    expect(await run(['list'], { GATEHOUSE_URL: url })).toMatchObject({ exitCode: 1, err: 'error: no admin key: pass --admin-key or set GATEHOUSE_ADMIN_KEY\n' });
    const closed = new URL(await closedPortUrl()).origin;
    const unreachable = await run(['list', '--url', closed]);
    expect(unreachable.exitCode).toBe(1);
    expect(unreachable.err).toContain(`cannot reach ${closed}`);
    const missingName = await run(['create']);
    expect(missingName.exitCode).toBe(1);
    expect(missingName.err).toContain("required option '--name <name>' not specified");
  });

  it('never prints the admin key from the environment in its help', async () => {
    const help = await run(['create', '--help']);
    expect(help.out).toContain('--admin-key');
    expect(help.out + help.err).not.toContain(ADMIN_KEY);
  });
});
