/**
 * Virtual keys through a whole gateway: created with the `gatehouse keys` command line, used by both SDKs, listed,
 * revoked, expired, and restricted to some models.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKeysCommand, type KeysCliIo } from '../../src/cli/keys.js';
import { anthropicClient, openaiClient } from '../support/clients.js';
import { createLogger } from '../../src/observability/logger.js';
import { startGateway } from '../../src/server/gateway.js';
import { GATEWAY_KEY } from '../support/config.js';
import { LogCapture } from '../support/log-capture.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';

const REVOCATION_DELAY_MS = 300;
const repoRoot = path.resolve(import.meta.dirname, '../..');

let gw: TestGateway;
const issuedKeys: string[] = [];

beforeAll(async () => {
  gw = await startTestGateway({
    secret: 'e2e-virtual-keys-secret-0123456789',
    identity: { keys: { revocation_delay: `${REVOCATION_DELAY_MS}ms` } },
    providers: { mock: { type: 'mock' } },
    models: [
      { name: 'model-a', deployments: [{ provider: 'mock', model: 'mock-a' }] },
      { name: 'model-b', deployments: [{ provider: 'mock', model: 'mock-b' }] },
    ],
  });
});
afterAll(() => gw?.close());

/** The real `gatehouse` entry point (src/cli/index.ts), run as its own process. */
async function gatehouseProcess(args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(path.join(repoRoot, 'node_modules/.bin/vite-node'), ['src/cli/index.ts', ...args], {
    cwd: repoRoot,
    env: { ...process.env, GATEHOUSE_URL: gw.url, GATEHOUSE_ADMIN_KEY: GATEWAY_KEY },
    timeout: 60_000,
  });
  return stdout;
}

/** `gatehouse keys …` in this process. */
async function keysCli(args: string[]): Promise<{ out: string; err: string; exitCode: number }> {
  const result = { out: '', err: '', exitCode: 0 };
  const io: KeysCliIo = {
    out: (text) => void (result.out += text),
    err: (text) => void (result.err += text),
    env: { GATEHOUSE_URL: gw.url, GATEHOUSE_ADMIN_KEY: GATEWAY_KEY },
    setExitCode: (code) => void (result.exitCode = code),
  };
  await runKeysCommand(args, io);
  return result;
}

async function createKey(args: string[]): Promise<{ key: string; id: string }> {
  const { out, exitCode, err } = await keysCli(['create', ...args, '--json']);
  expect(exitCode, err).toBe(0);
  const created = JSON.parse(out) as { key: string; id: string };
  issuedKeys.push(created.key);
  return created;
}

const chat = (client: OpenAI, model = 'model-a') => client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hello' }] });
const message = (client: Anthropic, model = 'model-a') => client.messages.create({ model, max_tokens: 32, messages: [{ role: 'user', content: 'hello' }] });

async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (error) {
    return (error as { status?: number }).status ?? -1;
  }
}

describe('virtual keys end to end', () => {
  it('creates a key with the command line, uses it with both SDKs, lists it, revokes it', { timeout: 90_000 }, async () => {
    const out = await gatehouseProcess(['keys', 'create', '--name', 'e2e sdk key', '--owner', 'svc-e2e', '--json']);
    const created = JSON.parse(out) as { key: string; id: string; prefix: string };
    issuedKeys.push(created.key);
    expect(created.key).toMatch(/^ghk_/);

    const openai = openaiClient(gw, { apiKey: created.key });
    const anthropic = anthropicClient(gw, { apiKey: created.key });
    expect((await chat(openai)).choices[0]?.message.content).toBeTruthy();
    expect((await message(anthropic)).content[0]?.type).toBe('text');

    const listed = await keysCli(['list']);
    const row = listed.out.split('\n').find((line) => line.includes(created.id));
    expect(row).toContain(created.prefix);
    expect(row).toContain('svc-e2e');

    expect(await keysCli(['revoke', created.id])).toMatchObject({ exitCode: 0 });
    // The replica that revoked refuses the very next call (other replicas: see the next test).
    expect(await statusOf(chat(openai))).toBe(401);
    expect(await statusOf(message(anthropic))).toBe(401);
  });

  it('a key revoked through one replica is refused by another sharing the store within the delay', async () => {
    const replica = await startGateway({ configPath: gw.configPath, env: {}, listen: '127.0.0.1:0', watch: false, logger: createLogger('warn', new LogCapture()) });
    try {
      const { key, id } = await createKey(['--name', 'two replicas']);
      const onReplica = openaiClient(replica, { apiKey: key });
      expect(await statusOf(chat(onReplica))).toBe(200);
      expect(await keysCli(['revoke', id])).toMatchObject({ exitCode: 0 });
      const revokedAt = Date.now();
      let status = 200;
      while (status === 200 && Date.now() - revokedAt < 5_000) {
        status = await statusOf(chat(onReplica));
        if (status === 200) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(status).toBe(401);
      // The replica's cached lookup was made before the revocation, so it lapses within the delay after it.
      expect(Date.now() - revokedAt).toBeLessThan(REVOCATION_DELAY_MS + 200);
    } finally {
      await replica.close();
    }
  });

  it('refuses a key once it has expired', async () => {
    const { key } = await createKey(['--name', 'brief', '--expires-in', '1s']);
    const openai = openaiClient(gw, { apiKey: key });
    expect(await statusOf(chat(openai))).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await statusOf(chat(openai))).toBe(401);
    expect(await statusOf(message(anthropicClient(gw, { apiKey: key })))).toBe(401);
  });

  it('holds a key to its models: 403 for another model, and /v1/models lists only its own', async () => {
    const { key } = await createKey(['--name', 'only a', '--models', 'model-a']);
    const openai = openaiClient(gw, { apiKey: key });
    const anthropic = anthropicClient(gw, { apiKey: key });
    expect(await statusOf(chat(openai, 'model-a'))).toBe(200);
    expect(await statusOf(chat(openai, 'model-b'))).toBe(403);
    expect(await statusOf(message(anthropic, 'model-b'))).toBe(403);
    const models = await openai.models.list();
    expect(models.data.map((model) => model.id)).toEqual(['model-a']);
    const everything = await openaiClient(gw).models.list();
    expect(everything.data.map((model) => model.id)).toEqual(['model-a', 'model-b']);
  });

  it('never writes a key to the logs or, in clear, to the database', async () => {
    expect(issuedKeys.length).toBeGreaterThanOrEqual(3);
    const files = readdirSync(gw.dataDir).filter((file) => file.startsWith('gatehouse.db'));
    const database = files.map((file) => readFileSync(path.join(gw.dataDir, file)).toString('latin1')).join('');
    for (const key of issuedKeys) {
      expect(gw.logs.text).not.toContain(key.slice(12));
      expect(database).not.toContain(key.slice(12));
    }
  });
});
