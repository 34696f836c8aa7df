import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKeysCommand, type KeysCliIo } from '../../src/cli/keys.js';
import { ADMIN_KEY, startAdminApp, type AdminApp } from '../admin/app-fixture.js';

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

async function run(args: string[], adminKey = ADMIN_KEY): Promise<Run> {
  const result: Run = { out: '', err: '', exitCode: 0 };
  const io: KeysCliIo = {
    out: (text) => void (result.out += text),
    err: (text) => void (result.err += text),
    env: { GATEHOUSE_URL: url, GATEHOUSE_ADMIN_KEY: adminKey },
    setExitCode: (code) => void (result.exitCode = code),
  };
  await runKeysCommand(args, io);
  return result;
}

async function created(args: string[]): Promise<{ id: string; key: string }> {
  const result = await run(['create', ...args, '--json']);
  expect(result.exitCode, result.err).toBe(0);
  return JSON.parse(result.out) as { id: string; key: string };
}

describe('gatehouse keys create: limits and budgets', () => {
  it('takes --limit and --budget as teams do (repeatable) and stores them on the key', async () => {
    const result = await run(['create', '--name', 'limited', '--limit', 'rpm=60,tpm=200000', '--limit', 'concurrent=2', '--budget', '50/month', '--budget', '$5.5/day', '--json']);
    expect(result.exitCode, result.err).toBe(0);
    const body = JSON.parse(result.out) as { id: string; limits: unknown; budgets: unknown };
    expect(body.limits).toEqual([{ rpm: 60, tpm: 200_000 }, { concurrent: 2 }]);
    expect(body.budgets).toEqual([{ usd: 50, period: 'month' }, { usd: 5.5, period: 'day' }]);
    expect(await fx.keys!.get(body.id)).toMatchObject({ limits: [{ rpm: 60, tpm: 200_000 }, { concurrent: 2 }], budgets: [{ usd: 50, period: 'month' }, { usd: 5.5, period: 'day' }] });

    const listed = await run(['list']);
    const header = listed.out.split('\n')[0]!;
    expect(header).toContain('LIMITS');
    expect(header).toContain('BUDGETS');
    const row = listed.out.split('\n').find((line) => line.includes(body.id))!;
    expect(row).toContain('rpm=60,tpm=200000 concurrent=2');
    expect(row).toContain('$50/month $5.5/day');
  });

  it('refuses a malformed --limit or --budget before calling the gateway', async () => {
    for (const [flag, value, message] of [
      ['--limit', 'rpm=abc', 'expected rpm=N'],
      ['--limit', 'rps=5', 'expected rpm=N'],
      ['--budget', '50', 'expected USD/PERIOD'],
      ['--budget', '50/year', 'expected USD/PERIOD'],
    ] as const) {
      const before = (await fx.keys!.list()).length;
      const result = await run(['create', '--name', 'bad', flag, value]);
      expect(result.exitCode, `${flag} ${value}`).toBe(1);
      expect(result.err).toContain(message);
      expect((await fx.keys!.list()).length).toBe(before);
    }
  });

  it("reports the gateway's refusal of a limit it does not accept", async () => {
    const result = await run(['create', '--name', 'zero', '--limit', 'rpm=0']);
    expect(result.exitCode).toBe(1);
    expect(result.err).toContain('limits.0.rpm');
  });
});

describe('gatehouse keys update', () => {
  it('changes name, models, limits and budgets; given limits replace the old ones', async () => {
    const { id, key } = await created(['--name', 'before', '--owner', 'svc-update', '--models', 'model-a', '--limit', 'rpm=10', '--budget', '1/day']);
    const updated = await run(['update', id, '--name', 'after', '--models', 'model-a,model-b', '--limit', 'tpm=5000', '--budget', '20/month']);
    expect(updated.exitCode, updated.err).toBe(0);
    expect(updated.out).toContain(`Updated key ${id} "after".`);
    expect(updated.out).toContain('Limits:   tpm=5000');
    expect(updated.out).toContain('Budgets:  $20/month');
    expect(updated.out).not.toContain(key);
    expect(await fx.keys!.get(id)).toMatchObject({ name: 'after', ownerUser: 'svc-update', allowedModels: ['model-a', 'model-b'], limits: [{ tpm: 5000 }], budgets: [{ usd: 20, period: 'month' }] });

    const widened = await run(['update', id, '--models', 'all', '--clear-limits', '--json']);
    expect(widened.exitCode, widened.err).toBe(0);
    expect(JSON.parse(widened.out)).toMatchObject({ allowed_models: null, limits: [], budgets: [{ usd: 20, period: 'month' }] });

    const cleared = await run(['update', id, '--clear-budgets']);
    expect(cleared.out).toContain('Budgets:  -');
    expect((await fx.keys!.get(id))?.budgets).toEqual([]);
  });

  it('refuses an update with nothing to change, or a limit given and cleared at once', async () => {
    const { id } = await created(['--name', 'unchanged', '--limit', 'rpm=3']);
    const nothing = await run(['update', id]);
    expect(nothing.exitCode).toBe(1);
    expect(nothing.err).toContain('nothing to change');
    const both = await run(['update', id, '--limit', 'rpm=5', '--clear-limits']);
    expect(both.exitCode).toBe(1);
    expect(both.err).toContain('not both');
    const bothBudgets = await run(['update', id, '--budget', '5/day', '--clear-budgets']);
    expect(bothBudgets.exitCode).toBe(1);
    expect((await fx.keys!.get(id))?.limits).toEqual([{ rpm: 3 }]);
  });

  it('reports an unknown key and a caller who is not an administrator', async () => {
    const missing = await run(['update', 'key_nope', '--name', 'x']);
    expect(missing.exitCode).toBe(1);
    expect(missing.err).toContain('No key with id "key_nope"');

    const { id, key } = await created(['--name', 'self-lifting', '--limit', 'rpm=1']);
    const refused = await run(['update', id, '--clear-limits'], key);
    expect(refused.exitCode).toBe(1);
    expect(refused.err).toContain('Only administrators');
    expect((await fx.keys!.get(id))?.limits).toEqual([{ rpm: 1 }]);
  });
});
