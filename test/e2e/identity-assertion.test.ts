/**
 * The signed identity assertion, end to end: upstreams behind providers with `pass_identity: true` receive
 * `X-Gatehouse-Jwt-Assertion` and verify it against the gateway's published JWKS, the way a real upstream would;
 * providers without it receive no identity; a client can never plant its own assertion.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRemoteJWKSet, decodeProtectedHeader, generateKeyPair, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { RequestAccounting } from '../../src/accounting/request-accounting.js';
import type { KeyVerifier } from '../../src/identity/authenticate.js';
import { loadAssertionSigner, type AssertionSigner } from '../../src/identity/assertion/index.js';
import type { Principal } from '../../src/identity/principal.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/observability/logger.js';
import { GatewayMetrics } from '../../src/observability/metrics.js';
import { QuotaServices } from '../../src/quota/index.js';
import { buildApp } from '../../src/server/app.js';
import { startGateway } from '../../src/server/gateway.js';
import { Runtime } from '../../src/server/runtime.js';
import { BatchWriter } from '../../src/store/batch-writer.js';
import { openStore, type Store } from '../../src/store/database.js';
import type { UsageRecord } from '../../src/store/usage-records.js';
import { openaiClient } from '../support/clients.js';
import { anthropicProvider, openaiProvider } from '../support/config.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { LogCapture } from '../support/log-capture.js';
import { AnthropicUpstream } from '../support/upstreams/anthropic-upstream.js';
import { OpenaiUpstream } from '../support/upstreams/openai-upstream.js';
import type { RecordedRequest } from '../support/upstreams/recording-server.js';

const PUBLIC_URL = 'https://llm.example.test';
const HEADER = 'x-gatehouse-jwt-assertion';

let keyDir: string;
let trusted: OpenaiUpstream;
let plain: OpenaiUpstream;
let claude: AnthropicUpstream;
let gw: TestGateway;
let client: OpenAI;

function config(signingKeyFile: string) {
  return {
    server: { public_url: PUBLIC_URL },
    identity: { assertion: { signing_key_file: signingKeyFile } },
    providers: {
      trusted: openaiProvider(trusted, { pass_identity: true }),
      plain: openaiProvider(plain),
      claude: anthropicProvider(claude, { pass_identity: true }),
    },
    models: [
      { name: 'with-identity', deployments: [{ provider: 'trusted', model: 'local-llm' }] },
      { name: 'without-identity', deployments: [{ provider: 'plain', model: 'gpt-4o' }] },
      { name: 'claude-with-identity', deployments: [{ provider: 'claude', model: 'claude-sonnet' }] },
    ],
  };
}

/** What an upstream does with the header: fetch the gateway's JWKS and verify the token as addressed to itself. */
async function verifiedAssertion(received: RecordedRequest | undefined, upstreamOrigin: string, gatewayUrl = gw.url): Promise<JWTPayload> {
  const token = received?.headers[HEADER];
  if (typeof token !== 'string') throw new Error(`the upstream received no ${HEADER} header`);
  const jwks = createRemoteJWKSet(new URL('/.well-known/gatehouse/jwks.json', gatewayUrl));
  const { payload } = await jwtVerify(token, jwks, { issuer: PUBLIC_URL, audience: new URL(upstreamOrigin).host, algorithms: ['ES256'] });
  return payload;
}

async function forgedAssertion(): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256');
  return new SignJWT({ sub: 'ceo', groups: ['gatehouse-admins'] }).setProtectedHeader({ alg: 'ES256', kid: 'forged' }).setIssuer(PUBLIC_URL).setAudience('127.0.0.1').setIssuedAt().setExpirationTime('5m').sign(privateKey);
}

const chat = (model: string, api: OpenAI = client) => api.chat.completions.create({ model, messages: [{ role: 'user', content: 'who am I?' }] });

beforeAll(async () => {
  keyDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-e2e-assertion-'));
  [trusted, plain, claude] = await Promise.all([OpenaiUpstream.start(), OpenaiUpstream.start(), AnthropicUpstream.start()]);
  gw = await startTestGateway(config(path.join(keyDir, 'keys', 'assertion.pem')));
  client = openaiClient(gw);
});

afterAll(async () => {
  await gw?.close();
  await Promise.all([trusted?.close(), plain?.close(), claude?.close()]);
  rmSync(keyDir, { recursive: true, force: true });
});

describe('a provider with pass_identity', () => {
  it('receives an assertion it can verify with the published JWKS, naming the caller', async () => {
    await chat('with-identity');
    const payload = await verifiedAssertion(trusted.last, trusted.origin);
    expect(payload).toMatchObject({ iss: PUBLIC_URL, aud: new URL(trusted.origin).host, sub: 'key:bootstrap-1', groups: [] });
    expect(Object.keys(payload).sort()).toEqual(['aud', 'exp', 'groups', 'iat', 'iss', 'jti', 'name', 'sub']);
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(Math.abs(payload.iat! - Date.now() / 1000)).toBeLessThan(30);
  });

  it('receives it on streamed calls too, and on Anthropic-dialect upstreams (audience = that upstream host)', async () => {
    const stream = await client.chat.completions.create({ model: 'with-identity', messages: [{ role: 'user', content: 'stream' }], stream: true });
    for await (const _chunk of stream) void _chunk;
    expect((await verifiedAssertion(trusted.last, trusted.origin)).sub).toBe('key:bootstrap-1');

    await chat('claude-with-identity');
    expect(claude.last?.path).toBe('/v1/messages');
    expect((await verifiedAssertion(claude.last, claude.origin)).sub).toBe('key:bootstrap-1');
  });

  it('cannot be fooled into accepting an assertion addressed to another upstream', async () => {
    await chat('with-identity');
    const token = trusted.last?.headers[HEADER] as string;
    const jwks = createRemoteJWKSet(new URL('/.well-known/gatehouse/jwks.json', gw.url));
    await expect(jwtVerify(token, jwks, { issuer: PUBLIC_URL, audience: new URL(claude.origin).host })).rejects.toMatchObject({ claim: 'aud' });
  });

  it('is signed with a key the gateway generated and kept, readable by its owner only', async () => {
    const file = path.join(keyDir, 'keys', 'assertion.pem');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const response = await fetch(`${gw.url}/.well-known/gatehouse/jwks.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    const { keys } = (await response.json()) as { keys: Array<Record<string, unknown>> };
    expect(keys.map((key) => key.kid)).toContain(decodeProtectedHeader(trusted.last?.headers[HEADER] as string).kid);
    for (const key of keys) expect(key).not.toHaveProperty('d');
  });
});

describe('identity never reaches what should not have it', () => {
  it('a provider without pass_identity receives no assertion (nor any x-gatehouse-* header)', async () => {
    await chat('without-identity');
    expect(plain.last?.path).toBe('/v1/chat/completions');
    expect(Object.keys(plain.last!.headers).filter((name) => name.startsWith('x-gatehouse-'))).toEqual([]);
  });

  it('a client-sent X-Gatehouse-Jwt-Assertion never arrives upstream: dropped, or replaced by the gateway’s own', async () => {
    const forged = await forgedAssertion();
    const spoofing = openaiClient(gw, { headers: { 'X-Gatehouse-Jwt-Assertion': forged, 'X-Gatehouse-Anything': 'spoof' } });

    await chat('without-identity', spoofing);
    expect(plain.last?.headers[HEADER]).toBeUndefined();
    expect(plain.last?.headers['x-gatehouse-anything']).toBeUndefined();

    await chat('with-identity', spoofing);
    const received = trusted.last?.headers[HEADER];
    expect(received).not.toBe(forged);
    expect((await verifiedAssertion(trusted.last, trusted.origin)).sub).toBe('key:bootstrap-1');
    expect(trusted.last?.headers['x-gatehouse-anything']).toBeUndefined();

    await chat('claude-with-identity', spoofing);
    expect(claude.last?.headers[HEADER]).not.toBe(forged);
    expect((await verifiedAssertion(claude.last, claude.origin)).sub).toBe('key:bootstrap-1');
  });

  it('never writes an assertion to the logs', async () => {
    await chat('with-identity');
    const token = trusted.last?.headers[HEADER] as string;
    expect(gw.logs.text).not.toContain(token.split('.')[2]!);
  });
});

describe('a signing key file that is not EC P-256', () => {
  it('stops the gateway from starting, with an error naming the file', async () => {
    const keyFile = path.join(keyDir, 'rsa.pem');
    writeFileSync(keyFile, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const configPath = path.join(keyDir, 'rsa.yaml');
    writeFileSync(configPath, stringify({ ...config(keyFile), storage: { url: 'sqlite::memory:' } }));
    const logs = new LogCapture();
    const starting = startGateway({ configPath, env: {}, listen: '127.0.0.1:0', watch: false, logger: createLogger('warn', logs) });
    await expect(starting).rejects.toThrow(`identity.assertion.signing_key_file ${keyFile}: assertions are signed ES256 and need an EC P-256 private key`);
  });
});

/**
 * A principal with email and groups, through the real app, pipeline and providers. Only the credential check is
 * a stand-in (a KeyVerifier that knows one key), so this does not depend on any particular sign-in method.
 */
describe('a caller with email and groups', () => {
  const CREDENTIAL = 'gh_test_alice';
  const alice: Principal = {
    authenticated: true,
    authMethod: 'virtual_key',
    subject: 'alice@example.com',
    email: 'alice@example.com',
    name: 'Alice',
    groups: ['ml-senior', 'research'],
    claims: { department: 'research' },
    keyId: 'key_alice',
    team: 'research',
    allowedModels: undefined,
    admin: false,
  };
  const keys: KeyVerifier = {
    isKey: (credential) => credential.startsWith('gh_test_'),
    verify: async (credential) => {
      if (credential !== CREDENTIAL) throw new Error('unknown key');
      return alice;
    },
  };
  let url: string;
  let store: Store;
  let close: () => Promise<void>;
  let signer: AssertionSigner | undefined;

  beforeAll(async () => {
    const configPath = path.join(keyDir, 'groups.yaml');
    writeFileSync(configPath, stringify({ ...config(path.join(keyDir, 'groups.pem')), storage: { url: 'sqlite::memory:' } }));
    const loaded = await loadConfig(configPath, {});
    const logger = createLogger('warn', new LogCapture());
    const metrics = new GatewayMetrics();
    store = await openStore(loaded.storage.url);
    const writer = new BatchWriter<UsageRecord>({ write: async () => undefined, flushIntervalMs: 1000, batchSize: 100 });
    const runtime = Runtime.create(loaded, { identity: { keys } });
    signer = await loadAssertionSigner(loaded.identity.assertion, PUBLIC_URL);
    const quota = new QuotaServices({ config: runtime.config, db: store.db, logger, metrics: metrics.quota, currentConfig: () => runtime.config });
    const app = buildApp({ runtime: () => runtime, store, metrics, accounting: new RequestAccounting(writer, undefined, metrics, logger, quota), logger, assertions: () => signer, quota });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    close = async () => {
      await app.close();
      await writer.close();
      await quota.close();
      await store.close();
      await runtime.retire(undefined);
    };
  });

  afterAll(async () => close?.());

  it('is asserted upstream with its subject, email, name and groups, and nothing else', async () => {
    const api = openaiClient({ url }, { apiKey: CREDENTIAL });
    await chat('with-identity', api);
    const payload = await verifiedAssertion(trusted.last, trusted.origin, url);
    expect(payload).toMatchObject({ sub: 'alice@example.com', email: 'alice@example.com', name: 'Alice', groups: ['ml-senior', 'research'] });
    expect(Object.keys(payload).sort()).toEqual(['aud', 'email', 'exp', 'groups', 'iat', 'iss', 'jti', 'name', 'sub']);

    await chat('without-identity', api);
    expect(plain.last?.headers[HEADER]).toBeUndefined();
  });

  it('while the signing key is not loaded yet, refuses calls to pass_identity providers rather than send them without identity', async () => {
    const loaded = signer;
    signer = undefined;
    try {
      const api = openaiClient({ url }, { apiKey: CREDENTIAL });
      const before = trusted.count;
      await expect(chat('with-identity', api)).rejects.toMatchObject({ status: 503 });
      expect(trusted.count).toBe(before);
      await expect(chat('without-identity', api)).resolves.toBeDefined();
    } finally {
      signer = loaded;
    }
  });

  it('reuses one assertion across requests while it is fresh (the jti names the token, not the request)', async () => {
    const api = openaiClient({ url }, { apiKey: CREDENTIAL });
    await chat('with-identity', api);
    const first = trusted.last?.headers[HEADER];
    await chat('with-identity', api);
    expect(trusted.last?.headers[HEADER]).toBe(first);
  });
});
