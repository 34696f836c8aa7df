import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeProtectedHeader, exportSPKI } from 'jose';
import type { TokenVerifier } from '../../../src/identity/authenticate.js';
import { createTokenVerifier } from '../../../src/identity/bearer/index.js';
import { CredentialError, type CredentialFailure } from '../../../src/identity/credential-error.js';
import { base64url, bearerConfig, handmadeToken, newSigningKey, nowSeconds, TestIdp } from '../../support/jwt-issuer.js';

const OPTIONS = { clockToleranceMs: 30_000, maxTokenSize: 4096 };

async function refusal(verifier: TokenVerifier, token: string, header = 'authorization'): Promise<CredentialFailure> {
  const error: unknown = await verifier.verify(token, header).then(
    () => undefined,
    (failure: unknown) => failure,
  );
  if (!(error instanceof CredentialError)) throw new Error(`expected a CredentialError, got ${String(error)}`);
  return error.reason;
}

/** An HS256 signature over `token`'s header and payload with `secret`, the header's alg swapped for HS256. */
function resignedHs256(token: string, secret: string | Buffer): string {
  const header = { ...decodeProtectedHeader(token), alg: 'HS256' };
  const payload = token.split('.')[1]!;
  const input = `${base64url(JSON.stringify(header))}.${payload}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

describe('bearer JWT verification', () => {
  let rsa: TestIdp; // RS256, jwks_url
  let ec: TestIdp; // ES256, OIDC discovery
  let stranger: TestIdp; // not configured
  let verifier: TokenVerifier;

  beforeAll(async () => {
    [rsa, ec, stranger] = await Promise.all([TestIdp.start(), TestIdp.start({ alg: 'ES256', discovery: true }), TestIdp.start({ discovery: true })]);
    verifier = createTokenVerifier(
      bearerConfig([
        { issuer: rsa.issuer, audiences: ['gatehouse'], jwks_url: rsa.jwksUrl, algorithms: ['RS256'] },
        { issuer: ec.issuer, audiences: ['gatehouse', 'llm.example.com'], algorithms: ['ES256'] },
        { issuer: 'https://proxy.example.com', audiences: ['llm.example.com'], jwks_url: `${ec.issuer}/unused`, header: 'X-Pomerium-Jwt-Assertion', algorithms: ['ES256'] },
      ]),
      OPTIONS,
    );
  });
  afterAll(async () => Promise.all([rsa.close(), ec.close(), stranger.close()]));
  afterEach(() => vi.useRealTimers());

  it('announces where tokens are accepted', () => {
    expect(verifier.acceptsAuthorization).toBe(true);
    expect(verifier.proxyHeaders).toEqual(['x-pomerium-jwt-assertion']);
  });

  it('accepts an RS256 token from a jwks_url issuer and an ES256 token from a discovered issuer', async () => {
    const fromRsa = await verifier.verify(await rsa.sign({ email: 'alice@example.com', groups: ['ml-senior'] }), 'authorization');
    expect(fromRsa).toMatchObject({ issuer: rsa.issuer, subject: 'alice', email: 'alice@example.com', groups: ['ml-senior'] });
    const fromEc = await verifier.verify(await ec.sign({ sub: 'bob', aud: ['llm.example.com', 'elsewhere'] }), 'authorization');
    expect(fromEc).toMatchObject({ issuer: ec.issuer, subject: 'bob', groups: [] });
    expect(fromEc.claims.aud).toEqual(['llm.example.com', 'elsewhere']);
    expect(ec.discoveryFetches).toBe(1);
  });

  it('refuses alg "none" in any spelling', async () => {
    const payload = { iss: rsa.issuer, aud: 'gatehouse', sub: 'mallory', exp: nowSeconds() + 300 };
    for (const alg of ['none', 'None', 'NONE']) {
      expect(await refusal(verifier, handmadeToken({ alg, kid: rsa.key.kid }, payload))).toBe('algorithm_not_allowed');
      expect(await refusal(verifier, handmadeToken({ alg, typ: 'JWT' }, payload, 'c2ln'))).toBe('algorithm_not_allowed');
    }
  });

  it('refuses HS256 tokens keyed with the issuer public key (as PEM and as JWK)', async () => {
    const token = await rsa.sign({ sub: 'mallory', groups: ['admins'] });
    const pem = await exportSPKI(rsa.key.publicKey);
    for (const secret of [pem, pem.trim(), JSON.stringify(rsa.key.publicJwk), Buffer.from(rsa.key.publicJwk.n!, 'base64url')]) {
      expect(await refusal(verifier, resignedHs256(token, secret))).toBe('algorithm_not_allowed');
    }
  });

  it('cannot be configured to accept none or HS* algorithms, whatever reaches it', async () => {
    for (const alg of ['HS256', 'none', 'HS512']) {
      const configs = bearerConfig([{ issuer: rsa.issuer, audiences: ['gatehouse'], jwks_url: rsa.jwksUrl }]);
      configs[0]!.algorithms = [alg as 'RS256'];
      expect(() => createTokenVerifier(configs, OPTIONS)).toThrow(/never accepted/);
    }
  });

  it("refuses an algorithm outside the issuer's allow-list even with a valid signature", async () => {
    const esKey = await newSigningKey('ES256', rsa.key.kid);
    rsa.published = [rsa.key, esKey];
    try {
      expect(await refusal(verifier, await rsa.sign({}, esKey))).toBe('algorithm_not_allowed');
    } finally {
      rsa.published = [rsa.key];
    }
  });

  it('refuses expired and not-yet-valid tokens', async () => {
    const now = nowSeconds();
    expect(await refusal(verifier, await rsa.sign({ iat: now - 600, exp: now - 120 }))).toBe('expired');
    expect(await refusal(verifier, await rsa.sign({ nbf: now + 120 }))).toBe('not_yet_valid');
  });

  it('refuses a token without exp, or without a subject', async () => {
    expect(await refusal(verifier, await rsa.sign({ exp: undefined }))).toBe('missing_claim');
    expect(await refusal(verifier, await rsa.sign({ sub: undefined }))).toBe('missing_claim');
    expect(await refusal(verifier, await rsa.sign({ sub: 42 }))).toBe('missing_claim');
    expect(await refusal(verifier, await rsa.sign({ sub: '' }))).toBe('missing_claim');
  });

  it('refuses a wrong iss, even when signed by a trusted key', async () => {
    expect(await refusal(verifier, await rsa.sign({ iss: 'https://evil.example.com' }))).toBe('untrusted_issuer');
    expect(await refusal(verifier, await rsa.sign({ iss: `${rsa.issuer}/` }))).toBe('untrusted_issuer');
    expect(await refusal(verifier, await rsa.sign({ iss: undefined }))).toBe('missing_claim');
    // Claims to be the ES256 issuer, signed with the RS256 issuer's key: that issuer's keys are the only ones tried.
    expect(await refusal(verifier, await rsa.sign({ iss: ec.issuer }))).toBe('algorithm_not_allowed');
  });

  it('refuses a token signed by a key that is not the claimed issuer’s', async () => {
    const impostor = await newSigningKey('ES256', ec.key.kid);
    expect(await refusal(verifier, await ec.sign({}, impostor))).toBe('bad_signature');
  });

  it('refuses a wrong aud', async () => {
    expect(await refusal(verifier, await rsa.sign({ aud: 'someone-else' }))).toBe('wrong_audience');
    expect(await refusal(verifier, await rsa.sign({ aud: ['someone-else', 'another'] }))).toBe('wrong_audience');
    expect(await refusal(verifier, await rsa.sign({ aud: undefined }))).toBe('missing_claim');
    // An audience accepted from one issuer is not accepted from another.
    expect(await refusal(verifier, await rsa.sign({ aud: 'llm.example.com' }))).toBe('wrong_audience');
  });

  it('refuses a valid signature from an untrusted issuer without contacting it', async () => {
    expect(await refusal(verifier, await stranger.sign({ aud: 'gatehouse' }))).toBe('untrusted_issuer');
    expect(stranger.requests.size).toBe(0);
  });

  it('refuses a tampered payload', async () => {
    const [header, payload, signature] = (await rsa.sign({ sub: 'bob', groups: ['interns'] })).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    for (const change of [{ sub: 'alice' }, { groups: ['interns', 'admins'] }, { exp: (claims.exp as number) + 3600 }]) {
      const forged = `${header}.${base64url(JSON.stringify({ ...claims, ...change }))}.${signature}`;
      expect(await refusal(verifier, forged)).toBe('bad_signature');
    }
    expect(await refusal(verifier, `${header}.${payload}.${signature!.slice(0, -4)}AAAA`)).toBe('bad_signature');
  });

  it('refuses an oversized token before parsing it, signed or not', async () => {
    const jwksFetches = rsa.jwksFetches;
    expect(await refusal(verifier, 'x'.repeat(OPTIONS.maxTokenSize + 1))).toBe('too_large');
    expect(await refusal(verifier, await rsa.sign({ padding: 'p'.repeat(OPTIONS.maxTokenSize) }))).toBe('too_large');
    expect(rsa.jwksFetches).toBe(jwksFetches);
  });

  it("refuses a token in another issuer's header", async () => {
    expect(await refusal(verifier, await rsa.sign(), 'x-pomerium-jwt-assertion')).toBe('untrusted_issuer');
    expect(await refusal(verifier, await ec.sign({ iss: 'https://proxy.example.com', aud: 'llm.example.com' }))).toBe('untrusted_issuer');
    expect(await refusal(verifier, await rsa.sign(), 'x-unknown-header')).toBe('untrusted_issuer');
  });

  it.each([
    ['an empty string', ''],
    ['a word', 'garbage'],
    ['dots only', '..'],
    ['two parts', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0'],
    ['four parts', 'a.b.c.d'],
    ['non-base64 parts', 'eyJ!!!.eyJ***.sig'],
    ['a header that is not JSON', `${base64url('not json')}.${base64url('{}')}.sig`],
    ['a payload that is not JSON', `${base64url('{"alg":"RS256"}')}.${base64url('{"sub":')}.sig`],
    ['a payload that is an array', handmadeToken({ alg: 'RS256' }, ['iss'], 'sig')],
    ['a JWE-shaped token', 'eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d'],
  ])('refuses garbage: %s', async (_name, token) => {
    expect(await refusal(verifier, token)).toBe('malformed');
  });

  it('refuses a header without alg, and a non-string alg', async () => {
    const payload = { iss: rsa.issuer, aud: 'gatehouse', sub: 'x', exp: nowSeconds() + 60 };
    expect(await refusal(verifier, handmadeToken({ kid: rsa.key.kid }, payload, 'c2ln'))).toBe('algorithm_not_allowed');
    expect(await refusal(verifier, handmadeToken({ alg: ['RS256'] }, payload, 'c2ln'))).toBe('algorithm_not_allowed');
  });

  describe('clock tolerance at the edges', () => {
    const pinned = 1_900_000_000;
    const pin = () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(pinned * 1000);
    };

    it('accepts up to the tolerance past exp, not a second more', async () => {
      const lastGood = await rsa.sign({ iat: pinned - 100, exp: pinned - 29 });
      const firstBad = await rsa.sign({ iat: pinned - 100, exp: pinned - 30 });
      pin();
      await expect(verifier.verify(lastGood, 'authorization')).resolves.toMatchObject({ subject: 'alice' });
      expect(await refusal(verifier, firstBad)).toBe('expired');
    });

    it('accepts up to the tolerance before nbf, not a second more', async () => {
      const lastGood = await rsa.sign({ iat: pinned, nbf: pinned + 30, exp: pinned + 300 });
      const firstBad = await rsa.sign({ iat: pinned, nbf: pinned + 31, exp: pinned + 300 });
      pin();
      await expect(verifier.verify(lastGood, 'authorization')).resolves.toMatchObject({ subject: 'alice' });
      expect(await refusal(verifier, firstBad)).toBe('not_yet_valid');
    });

    it('has no tolerance when configured with none', async () => {
      const strict = createTokenVerifier(bearerConfig([{ issuer: rsa.issuer, audiences: ['gatehouse'], jwks_url: rsa.jwksUrl }]), { ...OPTIONS, clockToleranceMs: 0 });
      const token = await rsa.sign({ iat: pinned - 100, exp: pinned - 1 });
      pin();
      expect(await refusal(strict, token)).toBe('expired');
    });
  });
});
