import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAssertionSigner, type AssertionSigner } from '../../../src/identity/assertion/index.js';
import type { Principal } from '../../../src/identity/principal.js';

const ISSUER = 'https://gatehouse.example.com';
const AUDIENCE = 'llm.internal:8000';
const START = Date.parse('2030-01-01T00:00:00Z');

const alice: Principal = {
  authenticated: true,
  authMethod: 'session',
  subject: 'user-123',
  email: 'alice@example.com',
  name: 'Alice Liddell',
  groups: ['ml-senior', 'staff'],
  claims: { department: 'research', sid: 'idp-session-id', nonce: 'n-0S6_WzA2Mj' },
  keyId: 'gh_key_abc',
  team: 'research',
  allowedModels: ['gpt-4o'],
  admin: true,
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-signer-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A signer over a fresh key whose clock the test moves. */
async function signerWithClock(options: { lifetime?: number; cacheSize?: number; issuer?: string } = {}) {
  const clock = { now: START };
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.pem`);
  const signer = await loadAssertionSigner({ signing_key_file: file, publish_key_files: [], lifetime: options.lifetime ?? 300_000 }, options.issuer ?? ISSUER, {
    now: () => clock.now,
    ...(options.cacheSize !== undefined && { cacheSize: options.cacheSize }),
  });
  return { signer, clock, file };
}

async function verify(signer: AssertionSigner, token: string, atMs: number, audience = AUDIENCE) {
  return jwtVerify(token, createLocalJWKSet(signer.jwks()), { issuer: ISSUER, audience, algorithms: ['ES256'], currentDate: new Date(atMs) });
}

describe('the identity assertion', () => {
  it('verifies with the published JWKS and carries exactly iss, aud, sub, email, name, groups, iat, exp, jti', async () => {
    const { signer } = await signerWithClock();
    const token = await signer.assertionFor(alice, AUDIENCE);
    const { payload, protectedHeader } = await verify(signer, token, START);

    expect(protectedHeader).toEqual({ alg: 'ES256', kid: signer.jwks().keys[0]?.kid, typ: 'JWT' });
    expect(Object.keys(payload).sort()).toEqual(['aud', 'email', 'exp', 'groups', 'iat', 'iss', 'jti', 'name', 'sub']);
    expect(payload).toMatchObject({ iss: ISSUER, aud: AUDIENCE, sub: 'user-123', email: 'alice@example.com', name: 'Alice Liddell', groups: ['ml-senior', 'staff'] });
    expect(payload.iat).toBe(START / 1000);
    expect(payload.exp).toBe(START / 1000 + 300);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('leaves out what is not known and never carries raw claims, key ids, team or admin', async () => {
    const { signer } = await signerWithClock();
    const keyPrincipal: Principal = { ...alice, authMethod: 'bootstrap_key', subject: 'key:bootstrap-1', email: undefined, name: undefined, groups: [] };
    const token = await signer.assertionFor(keyPrincipal, AUDIENCE);
    const { payload } = await verify(signer, token, START);
    expect(Object.keys(payload).sort()).toEqual(['aud', 'exp', 'groups', 'iat', 'iss', 'jti', 'sub']);
    expect(payload).toMatchObject({ sub: 'key:bootstrap-1', groups: [] });
    const text = Buffer.from(token.split('.')[1]!, 'base64url').toString();
    for (const secretish of ['research', 'idp-session-id', 'n-0S6_WzA2Mj', 'gh_key_abc', 'gpt-4o', 'admin']) expect(text).not.toContain(secretish);
  });

  it('uses the configured lifetime and drops a trailing slash from the issuer', async () => {
    const { signer } = await signerWithClock({ lifetime: 60_000, issuer: `${ISSUER}/` });
    const { payload } = await verify(signer, await signer.assertionFor(alice, AUDIENCE), START);
    expect(payload.iss).toBe(ISSUER);
    expect(payload.exp! - payload.iat!).toBe(60);
  });

  it('is refused for another audience, after it expires, and by a JWKS without its key', async () => {
    const { signer } = await signerWithClock();
    const token = await signer.assertionFor(alice, AUDIENCE);
    await expect(verify(signer, token, START, 'api.openai.com')).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'aud' });
    await expect(verify(signer, token, START + 301_000)).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
    const { signer: stranger } = await signerWithClock();
    await expect(jwtVerify(token, createLocalJWKSet(stranger.jwks()), { issuer: ISSUER, audience: AUDIENCE, currentDate: new Date(START) })).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
  });

  it('still verifies after a rotation that publishes the old key beside the new one', async () => {
    const old = await signerWithClock();
    const token = await old.signer.assertionFor(alice, AUDIENCE);
    const rotated = await loadAssertionSigner({ signing_key_file: path.join(dir, 'rotated.pem'), publish_key_files: [old.file], lifetime: 300_000 }, ISSUER);
    const { payload } = await verify(rotated, token, START);
    expect(payload.sub).toBe('user-123');
    expect(decodeProtectedHeader(await rotated.assertionFor(alice, AUDIENCE)).kid).toBe(rotated.jwks().keys[0]?.kid);
    expect(rotated.jwks().keys[0]?.kid).not.toBe(old.signer.jwks().keys[0]?.kid);
  });
});

describe('reuse of signed assertions', () => {
  it('reuses a token while more than half its lifetime remains, then signs a new one', async () => {
    const { signer, clock } = await signerWithClock();
    const first = await signer.assertionFor(alice, AUDIENCE);
    clock.now = START + 149_999;
    expect(await signer.assertionFor({ ...alice }, AUDIENCE)).toBe(first);
    clock.now = START + 150_000;
    const second = await signer.assertionFor(alice, AUDIENCE);
    expect(second).not.toBe(first);
    const { payload } = await verify(signer, second, clock.now);
    expect(payload.iat).toBe((START + 150_000) / 1000);
    expect(payload.jti).not.toBe((await verify(signer, first, clock.now)).payload.jti);
    clock.now = START + 200_000;
    expect(await signer.assertionFor(alice, AUDIENCE)).toBe(second);
  });

  it('never hands out a token with less than half its lifetime left', async () => {
    const { signer, clock } = await signerWithClock({ lifetime: 10_000 });
    for (let t = 0; t < 40_000; t += 700) {
      clock.now = START + t;
      const { payload } = await verify(signer, await signer.assertionFor(alice, AUDIENCE), clock.now);
      expect(payload.exp! * 1000 - clock.now).toBeGreaterThan(5_000);
    }
  });

  it('signs separately for each audience and for any change in the claims', async () => {
    const { signer } = await signerWithClock();
    const base = await signer.assertionFor(alice, AUDIENCE);
    const variants: Array<[Principal, string]> = [
      [alice, 'other.internal'],
      [{ ...alice, groups: ['ml-senior'] }, AUDIENCE],
      [{ ...alice, email: 'alice@other.example' }, AUDIENCE],
      [{ ...alice, name: 'A. Liddell' }, AUDIENCE],
      [{ ...alice, subject: 'user-456' }, AUDIENCE],
      // Groups are joined unambiguously: ["a,b"] is not ["a","b"].
      [{ ...alice, groups: ['ml-senior,staff'] }, AUDIENCE],
    ];
    const tokens = new Set([base]);
    for (const [principal, audience] of variants) {
      const token = await signer.assertionFor(principal, audience);
      const { payload } = await verify(signer, token, START, audience);
      expect(payload).toMatchObject({ sub: principal.subject, groups: [...principal.groups], aud: audience, email: principal.email, name: principal.name });
      tokens.add(token);
    }
    expect(tokens.size).toBe(variants.length + 1);
  });

  it('signs once for concurrent first requests of the same caller', async () => {
    const { signer } = await signerWithClock();
    const tokens = await Promise.all(Array.from({ length: 20 }, () => signer.assertionFor(alice, AUDIENCE)));
    expect(new Set(tokens).size).toBe(1);
  });

  it('keeps a bounded number of tokens, forgetting the oldest first', async () => {
    const { signer } = await signerWithClock({ cacheSize: 2 });
    const who = (subject: string): Principal => ({ ...alice, subject });
    const a = await signer.assertionFor(who('a'), AUDIENCE);
    const b = await signer.assertionFor(who('b'), AUDIENCE);
    expect(await signer.assertionFor(who('a'), AUDIENCE)).toBe(a);
    await signer.assertionFor(who('c'), AUDIENCE);
    expect(await signer.assertionFor(who('b'), AUDIENCE)).toBe(b);
    expect(await signer.assertionFor(who('a'), AUDIENCE)).not.toBe(a);
  });
});
