/** `gatehouse policy test`: the function both the CLI and the admin API use, and the built binary with its exit status. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_ALLOWED, EXIT_DENIED, EXIT_UNANSWERED, runPolicyTest, type Output, type PolicyTestOptions } from '../../src/cli/policy.js';
import { DESIGN_CONFIG } from '../policy/design-config.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ALICE = '{"email":"alice@example.com","groups":["ml-senior"]}';
const BOB = '{"sub":"bob","email":"bob@example.com","groups":["staff"],"department":"legal"}';

function capture(): Output & { stdout: string; stderr: string } {
  const output = { stdout: '', stderr: '', out: (text: string) => void (output.stdout += text), err: (text: string) => void (output.stderr += text) };
  return output;
}

function gatehouse(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'bin/gatehouse.js'), ...args], { cwd: ROOT }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('gatehouse policy test', () => {
  let dir: string;
  let config: string;
  let invalid: string;
  const run = async (options: Partial<PolicyTestOptions>) => {
    const output = capture();
    const code = await runPolicyTest({ config, principal: ALICE, model: 'gpt-4o', ...options }, output);
    return { code, ...output };
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'gatehouse-policy-cli-'));
    config = path.join(dir, 'gatehouse.yaml');
    invalid = path.join(dir, 'invalid.yaml');
    await writeFile(config, DESIGN_CONFIG);
    await writeFile(invalid, DESIGN_CONFIG.replace('{ has: ml-senior }', '{ hass: ml-senior }'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('prints an allow decision with the rules and obligations, and exits 0', async () => {
    const result = await run({ time: '2026-01-05T10:00:00Z', ip: '10.0.0.1' });
    expect(result.code).toBe(EXIT_ALLOWED);
    expect(result.stdout).toContain('decision: ALLOW (allowed)');
    expect(result.stdout).toContain('request:  alice@example.com (jwt; groups [ml-senior]) → gpt-4o [tags [premium]] via chat, ip 10.0.0.1, at 2026-01-05T10:00:00.000Z');
    expect(result.stdout).toContain('✓ allow employees');
    expect(result.stdout).toContain('✗ deny  premium models are for ml-senior\n        at deny.and[1].not[0].groups: not has ml-senior — principal groups are [ml-senior]');
    expect(result.stdout).toContain('limit:       per user rpm 60 tpm 200000 (per-user limits)');
    expect(result.stdout).toContain('budget:      per claim/department $500 a month (department budgets)');
    expect(result.stdout).toContain('route:       regions any, providers any');
  });

  it('prints a deny decision with its message, and exits 1', async () => {
    const result = await run({ principal: BOB });
    expect(result.code).toBe(EXIT_DENIED);
    expect(result.stdout).toContain('decision: DENY (denied by rule)');
    expect(result.stdout).toContain('message:  Premium models need the ml-senior group.');
    expect(result.stdout).toContain('route:       regions [eu], providers any');
  });

  it('prints JSON with --json', async () => {
    const result = await run({ principal: BOB, model: 'gpt-4o-mini', json: true });
    expect(result.code).toBe(EXIT_ALLOWED);
    expect(JSON.parse(result.stdout)).toMatchObject({ decision: 'allow', obligations: { route: { regions: ['eu'], providers: null } }, input: { principal: { subject: 'bob' } } });
  });

  it('exits 2 when it cannot answer', async () => {
    const badConfig = await run({ config: invalid });
    expect(badConfig.code).toBe(EXIT_UNANSWERED);
    expect(badConfig.stderr).toContain('policies[1].deny.and[1].not[0].groups: unknown matcher "hass"; expected has or has_any (rule "premium models are for ml-senior")');
    expect((await run({ principal: '{not json' })).code).toBe(EXIT_UNANSWERED);
    expect((await run({ time: 'noon' })).stderr).toContain('time: expected an ISO 8601 time');
    expect((await run({ header: ['no-colon'] })).code).toBe(EXIT_UNANSWERED);
  });

  it('runs as the built binary, with the same exit status', async () => {
    if (!existsSync(path.join(ROOT, 'dist/cli/policy.js'))) throw new Error('dist/ is not built: run "npm run build" before this test');
    const allowed = await gatehouse(['policy', 'test', '--config', config, '--principal', ALICE, '--model', 'gpt-4o', '--header', 'x-tenant: acme']);
    expect(allowed).toMatchObject({ code: 0, stdout: expect.stringContaining('decision: ALLOW') });
    const denied = await gatehouse(['policy', 'test', '--config', config, '--principal', BOB, '--model', 'gpt-4o', '--json']);
    expect(denied.code).toBe(1);
    expect(JSON.parse(denied.stdout)).toMatchObject({ decision: 'deny', message: 'Premium models need the ml-senior group.' });
    const usage = await gatehouse(['policy', 'test', '--config', config, '--model', 'gpt-4o']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("required option '--principal <json>' not specified");
  });
});
