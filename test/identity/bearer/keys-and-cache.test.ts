import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TokenVerifier } from '../../../src/identity/authenticate.js';
import { createTokenVerifier, type TokenVerifierOptions } from '../../../src/identity/bearer/index.js';
import { CredentialError, type CredentialFailure } from '../../../src/identity/credential-error.js';
import { bearerConfig, HANGING_PATH, newSigningKey, TestIdp } from '../../support/jwt-issuer.js';

const COOLDOWN_MS = 30_000;
const OPTIONS: TokenVerifierOptions = { clockToleranceMs: 5_000, maxTokenSize: 8192, jwksCooldownMs: COOLDOWN_MS };

async function refusal(verifier: TokenVerifier, token: string): Promise<CredentialFailure> {
  const error: unknown = await verifier.verify(token, 'authorization').then(
    () => undefined,
    (failure: unknown) => failure,
  );
  if (!(error instanceof CredentialError)) throw new Error(`expected a CredentialError, got ${String(error)}`);
  return error.reason;
}

/** Time moves only when a test says so (Date only: sockets and timeouts keep real time). */
function freezeTime(): { advance(ms: number): void } {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now());
  return { advance: (ms) => vi.setSystemTime(Date.now() + ms) };
}

describe('issuer keys', () => {
  let idp: TestIdp;
  let verifier: TokenVerifier;
  let clock: { advance(ms: number): void };

  beforeEach(async () => {
    idp = await TestIdp.start();
    verifier = createTokenVerifier(bearerConfig([{ issuer: idp.issuer, audiences: ['gatehouse'], jwks_url: idp.jwksUrl }]), OPTIONS);
    clock = freezeTime();
  });
  afterEach(async () => {
    vi.useRealTimers();
    await idp.close();
  });

  it('refetches the JWKS once for an unknown kid, and not again within the cooldown', async () => {
    await verifier.verify(await idp.sign(), 'authorization');
    expect(idp.jwksFetches).toBe(1);
    clock.advance(COOLDOWN_MS + 1);

    const unpublished = await newSigningKey('ES256', 'unpublished-1');
    expect(await refusal(verifier, await idp.sign({}, unpublished))).toBe('unknown_key');
    expect(idp.jwksFetches).toBe(2);

    const another = await newSigningKey('ES256', 'unpublished-2');
    expect(await refusal(verifier, await idp.sign({ sub: 'bob' }, another))).toBe('unknown_key');
    expect(await refusal(verifier, await idp.sign({ sub: 'carol' }, unpublished))).toBe('unknown_key');
    expect(idp.jwksFetches).toBe(2);
  });

  it('accepts tokens signed with a rotated key after one refetch, and refuses the withdrawn key', async () => {
    await verifier.verify(await idp.sign(), 'authorization');
    const next = await idp.rotate();
    clock.advance(COOLDOWN_MS + 1);

    await expect(verifier.verify(await idp.sign({ sub: 'after-rotation' }, next), 'authorization')).resolves.toMatchObject({ subject: 'after-rotation' });
    expect(idp.jwksFetches).toBe(2);
    expect(await refusal(verifier, await idp.sign({ sub: 'old-key' }, idp.key))).toBe('unknown_key');
    expect(idp.jwksFetches).toBe(2);
  });

  it('reports an unreachable JWKS, and does not hold it against the token once the JWKS is back', async () => {
    idp.failWith = 503;
    const token = await idp.sign();
    expect(await refusal(verifier, token)).toBe('jwks_unavailable');
    idp.failWith = undefined;
    await expect(verifier.verify(token, 'authorization')).resolves.toMatchObject({ subject: 'alice' });
  });

  it('reports a JWKS that times out', async () => {
    const jwksUrl = `${idp.issuer}${HANGING_PATH}`;
    const hanging = createTokenVerifier(bearerConfig([{ issuer: idp.issuer, audiences: ['gatehouse'], jwks_url: jwksUrl }]), { ...OPTIONS, fetchTimeoutMs: 100 });
    const started = performance.now();
    expect(await refusal(hanging, await idp.sign())).toBe('jwks_unavailable');
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(idp.requests.get(HANGING_PATH)).toBe(1);
  });

  it('verifies concurrent requests with one new token once', async () => {
    const token = await idp.sign();
    const identities = await Promise.all(Array.from({ length: 20 }, () => verifier.verify(token, 'authorization')));
    expect(new Set(identities).size).toBe(1);
    expect(idp.jwksFetches).toBe(1);
  });
});

describe('issuer discovery', () => {
  let idp: TestIdp;
  let clock: { advance(ms: number): void };
  const discovered = () => createTokenVerifier(bearerConfig([{ issuer: idp.issuer, audiences: ['gatehouse'] }]), OPTIONS);

  beforeEach(async () => {
    idp = await TestIdp.start({ discovery: true, alg: 'ES256' });
    clock = freezeTime();
  });
  afterEach(async () => {
    vi.useRealTimers();
    await idp.close();
  });

  it('discovers the JWKS once, lazily', async () => {
    const verifier = discovered();
    expect(idp.discoveryFetches).toBe(0);
    for (const sub of ['a', 'b', 'c']) await verifier.verify(await idp.sign({ sub }), 'authorization');
    expect([idp.discoveryFetches, idp.jwksFetches]).toEqual([1, 1]);
  });

  it('retries a failed discovery after the cooldown, not before', async () => {
    const verifier = discovered();
    idp.failWith = 500;
    expect(await refusal(verifier, await idp.sign())).toBe('jwks_unavailable');
    idp.failWith = undefined;
    expect(await refusal(verifier, await idp.sign({ sub: 'soon' }))).toBe('jwks_unavailable');
    expect(idp.discoveryFetches).toBe(1);

    clock.advance(COOLDOWN_MS);
    await expect(verifier.verify(await idp.sign({ sub: 'later' }), 'authorization')).resolves.toMatchObject({ subject: 'later' });
    expect(idp.discoveryFetches).toBe(2);
  });

  it('refuses a discovery document that names another issuer', async () => {
    idp.discoveryIssuer = 'https://idp.example.com';
    expect(await refusal(discovered(), await idp.sign())).toBe('jwks_unavailable');
    expect(idp.jwksFetches).toBe(0);
  });
});

describe('verified-token cache', () => {
  let idp: TestIdp;
  let clock: { advance(ms: number): void };

  beforeEach(async () => {
    idp = await TestIdp.start({ alg: 'ES256' });
    clock = freezeTime();
  });
  afterEach(async () => {
    vi.useRealTimers();
    await idp.close();
  });

  const verifierWith = (options: Partial<TokenVerifierOptions> = {}) =>
    createTokenVerifier(bearerConfig([{ issuer: idp.issuer, audiences: ['gatehouse'], jwks_url: idp.jwksUrl }]), { ...OPTIONS, ...options });

  it('serves a second verify of the same token from the cache', async () => {
    const verifier = verifierWith({ cacheMaxAgeMs: 3_600_000 });
    const token = await idp.sign({ exp: Math.floor(Date.now() / 1000) + 3600 });
    const first = await verifier.verify(token, 'authorization');
    idp.failWith = 503;
    clock.advance(700_000); // past jose's own JWKS cache age (10 min): only our cache can answer now
    expect(await verifier.verify(token, 'authorization')).toBe(first);
    expect(idp.jwksFetches).toBe(1);
  });

  it('refuses a cached token once it expires (plus tolerance), exactly then', async () => {
    const verifier = verifierWith();
    const token = await idp.sign({ exp: Math.floor(Date.now() / 1000) + 60 });
    const exp = (await verifier.verify(token, 'authorization')).expiresAt!;
    vi.setSystemTime(exp * 1000 + OPTIONS.clockToleranceMs - 1);
    await expect(verifier.verify(token, 'authorization')).resolves.toMatchObject({ subject: 'alice' });
    vi.setSystemTime(exp * 1000 + OPTIONS.clockToleranceMs);
    expect(await refusal(verifier, token)).toBe('expired');
  });

  it('re-verifies a long-lived token after cacheMaxAgeMs', async () => {
    const verifier = verifierWith({ cacheMaxAgeMs: 1000 });
    const token = await idp.sign({ exp: Math.floor(Date.now() / 1000) + 3600 });
    const first = await verifier.verify(token, 'authorization');
    clock.advance(999);
    expect(await verifier.verify(token, 'authorization')).toBe(first);
    clock.advance(1);
    const again = await verifier.verify(token, 'authorization');
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });

  it('keeps at most cacheEntries tokens, evicting the least recently used', async () => {
    const verifier = verifierWith({ cacheEntries: 2 });
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((sub) => idp.sign({ sub })));
    const first = await verifier.verify(a!, 'authorization');
    await verifier.verify(b!, 'authorization');
    expect(await verifier.verify(a!, 'authorization')).toBe(first); // a is now the most recent
    const second = await verifier.verify(b!, 'authorization');
    await verifier.verify(c!, 'authorization'); // evicts a
    expect(await verifier.verify(b!, 'authorization')).toBe(second);
    expect(await verifier.verify(a!, 'authorization')).not.toBe(first);
  });

  it('remembers a lasting refusal briefly, and a passing one (unreachable keys) not at all', async () => {
    const verifier = verifierWith();
    const caught = (token: string) => verifier.verify(token, 'authorization').catch((error: unknown) => error);
    const wrongAudience = await idp.sign({ aud: 'elsewhere' });
    const first = await caught(wrongAudience);
    expect(first).toBeInstanceOf(CredentialError);
    expect(await caught(wrongAudience)).toBe(first);
    clock.advance(5_000);
    const later = await caught(wrongAudience);
    expect(later).not.toBe(first);
    expect(later).toMatchObject({ reason: 'wrong_audience' });

    const unpublished = await idp.sign({}, await newSigningKey('ES256', 'unpublished'));
    const unknownKey = await caught(unpublished);
    expect(await caught(unpublished)).not.toBe(unknownKey);
  });

  it('never caches a refusal as a success, nor keeps a token refused in one header for another', async () => {
    const verifier = createTokenVerifier(
      bearerConfig([
        { issuer: idp.issuer, audiences: ['gatehouse'], jwks_url: idp.jwksUrl },
        { issuer: idp.issuer, audiences: ['gatehouse'], jwks_url: idp.jwksUrl, header: 'X-Proxy-Assertion' },
      ]),
      OPTIONS,
    );
    const token = await idp.sign();
    const [header, payload, signature] = token.split('.');
    const tampered = `${header}.${payload}.${signature!.slice(0, -4)}AAAA`;
    for (let attempt = 0; attempt < 3; attempt++) expect(await refusal(verifier, tampered)).toBe('bad_signature');
    await expect(verifier.verify(token, 'x-proxy-assertion')).resolves.toMatchObject({ subject: 'alice' });
    await expect(verifier.verify(token, 'authorization')).resolves.toMatchObject({ subject: 'alice' });
  });
});
