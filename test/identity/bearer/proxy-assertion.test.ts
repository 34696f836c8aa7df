/**
 * Gatehouse behind an identity-aware proxy: Pomerium signs an ES256 assertion per request, sends it in
 * `X-Pomerium-Jwt-Assertion`, and publishes its keys at `/.well-known/pomerium/jwks.json`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminRule } from '../../../src/identity/admins.js';
import { createAuthenticator, type Authenticator } from '../../../src/identity/authenticate.js';
import { createTokenVerifier } from '../../../src/identity/bearer/index.js';
import { BootstrapKeys } from '../../../src/identity/bootstrap-keys.js';
import { base64url, bearerConfig, newSigningKey, TestIdp } from '../../support/jwt-issuer.js';

const POMERIUM_JWKS = '/.well-known/pomerium/jwks.json';
const OPTIONS = { clockToleranceMs: 30_000, maxTokenSize: 16_384 };
const admins = new AdminRule({ groups: ['gatehouse-admins'], emails: [] });
const bootstrapKeys = new BootstrapKeys(['sk-bootstrap']);

function request(headers: Record<string, string>) {
  return { headers, cookies: undefined };
}

describe('identity from a Pomerium assertion', () => {
  let pomerium: TestIdp;
  let otherPomerium: TestIdp;
  let workloads: TestIdp;
  let authenticator: Authenticator;

  beforeAll(async () => {
    [pomerium, otherPomerium, workloads] = await Promise.all([
      TestIdp.start({ alg: 'ES256', jwksPath: POMERIUM_JWKS }),
      TestIdp.start({ alg: 'ES256', jwksPath: POMERIUM_JWKS }),
      TestIdp.start({ alg: 'ES256' }),
    ]);
    const tokens = createTokenVerifier(
      bearerConfig([
        { issuer: pomerium.issuer, audiences: ['llm.example.com'], header: 'X-Pomerium-Jwt-Assertion', jwks_url: pomerium.jwksUrl, algorithms: ['ES256'] },
        { issuer: workloads.issuer, audiences: ['gatehouse'], jwks_url: workloads.jwksUrl },
      ]),
      OPTIONS,
    );
    authenticator = createAuthenticator({ bootstrapKeys, admins, tokens });
  });
  afterAll(async () => Promise.all([pomerium.close(), otherPomerium.close(), workloads.close()]));

  const assertion = (idp: TestIdp, claims: Record<string, unknown> = {}) =>
    idp.sign({ aud: 'llm.example.com', sub: 'pomerium-user-1', email: 'alice@example.com', groups: ['ml-senior', 'gatehouse-admins'], user: 'pomerium-user-1', jti: 'j1', ...claims });

  it('accepts the assertion as its subject with its groups', async () => {
    const principal = await authenticator.authenticate(request({ 'x-pomerium-jwt-assertion': await assertion(pomerium) }));
    expect(principal).toMatchObject({
      authenticated: true,
      authMethod: 'jwt',
      subject: 'pomerium-user-1',
      email: 'alice@example.com',
      groups: ['ml-senior', 'gatehouse-admins'],
      admin: true,
    });
    expect(principal.claims).toMatchObject({ iss: pomerium.issuer, user: 'pomerium-user-1' });
    expect(pomerium.requests.get(POMERIUM_JWKS)).toBe(1);
  });

  it('takes identity from the assertion, not from the API credential next to it', async () => {
    const principal = await authenticator.authenticate(request({ 'x-pomerium-jwt-assertion': await assertion(pomerium, { groups: ['interns'] }), 'x-api-key': 'sk-bootstrap' }));
    expect(principal).toMatchObject({ subject: 'pomerium-user-1', groups: ['interns'], admin: false });
  });

  it('refuses the same header with a bad signature', async () => {
    const [header, payload, signature] = (await assertion(pomerium)).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const promoted = `${header}.${base64url(JSON.stringify({ ...claims, sub: 'ceo' }))}.${signature}`;
    const forgedKey = await newSigningKey('ES256', pomerium.key.kid);
    for (const token of [promoted, await pomerium.sign({ aud: 'llm.example.com' }, forgedKey)]) {
      await expect(authenticator.authenticate(request({ 'x-pomerium-jwt-assertion': token }))).rejects.toMatchObject({ code: 'GH_ERR_AUTH_INVALID' });
    }
  });

  it('refuses an assertion from an unconfigured issuer', async () => {
    const token = await assertion(otherPomerium);
    await expect(authenticator.authenticate(request({ 'x-pomerium-jwt-assertion': token }))).rejects.toMatchObject({ code: 'GH_ERR_AUTH_INVALID' });
    expect(otherPomerium.requests.size).toBe(0);
  });

  it('refuses an assertion for another audience, and one moved to Authorization', async () => {
    const forAnotherRoute = await assertion(pomerium, { aud: 'billing.example.com' });
    await expect(authenticator.authenticate(request({ 'x-pomerium-jwt-assertion': forAnotherRoute }))).rejects.toMatchObject({ code: 'GH_ERR_AUTH_INVALID' });
    const moved = await assertion(pomerium);
    await expect(authenticator.authenticate(request({ authorization: `Bearer ${moved}` }))).rejects.toMatchObject({ code: 'GH_ERR_AUTH_INVALID' });
  });

  it('refuses a workload token placed in the proxy header', async () => {
    const token = await workloads.sign();
    await expect(authenticator.authenticate(request({ 'x-pomerium-jwt-assertion': token }))).rejects.toMatchObject({ code: 'GH_ERR_AUTH_INVALID' });
    await expect(authenticator.authenticate(request({ authorization: `Bearer ${token}` }))).resolves.toMatchObject({ subject: 'alice', authMethod: 'jwt' });
  });

  it('ignores a Pomerium header when no issuer is configured for it', async () => {
    const valid = await assertion(pomerium);
    const withoutProxy = createTokenVerifier(bearerConfig([{ issuer: workloads.issuer, audiences: ['gatehouse'], jwks_url: workloads.jwksUrl }]), OPTIONS);
    const fetched = pomerium.requests.get(POMERIUM_JWKS);
    for (const tokens of [withoutProxy, undefined]) {
      const plain = createAuthenticator({ bootstrapKeys, admins, ...(tokens ? { tokens } : {}) });
      expect(await plain.authenticate(request({ 'x-pomerium-jwt-assertion': valid }))).toMatchObject({ authenticated: false, subject: 'anonymous' });
      expect(await plain.authenticate(request({ 'x-pomerium-jwt-assertion': valid, 'x-api-key': 'sk-bootstrap' }))).toMatchObject({ authMethod: 'bootstrap_key' });
    }
    expect(pomerium.requests.get(POMERIUM_JWKS)).toBe(fetched);
  });
});
