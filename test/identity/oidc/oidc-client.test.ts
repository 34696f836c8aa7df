import { afterEach, describe, expect, it } from 'vitest';
import { startDemoIdp, type DemoIdp } from '../../../src/demo/idp.js';
import { OidcClient, OidcUnavailableError, allowsInsecure } from '../../../src/identity/oidc/oidc-client.js';
import { freePort } from '../../support/free-port.js';

const CONFIG = { client_id: 'gatehouse-test', client_secret: 'secret-0123456789', scopes: ['openid', 'email', 'profile'], groups_claim: 'groups', email_claim: 'email', name_claim: 'name', refresh: true };

describe('OidcClient', () => {
  let idp: DemoIdp | undefined;
  let client: OidcClient | undefined;
  afterEach(async () => {
    client?.close();
    await idp?.close();
    idp = undefined;
  });

  it.each([
    ['http://127.0.0.1:4001', true],
    ['http://localhost:4001', true],
    ['http://[::1]:4001', true],
    ['http://idp.example.com', false],
    ['http://127.0.0.1.evil.example', false],
    ['https://idp.example.com', false],
  ])('allows plain http for %s: %s', (issuer, allowed) => {
    expect(allowsInsecure(issuer)).toBe(allowed);
  });

  it('refuses to start a sign-in before discovery, and retries discovery until the IdP answers', async () => {
    const port = await freePort();
    client = new OidcClient({ ...CONFIG, issuer: `http://127.0.0.1:${port}` }, { retryMs: 50 });
    await client.start();
    expect(client.configuration()).toBeUndefined();
    await expect(client.beginSignIn('http://127.0.0.1:1/.gatehouse/callback')).rejects.toBeInstanceOf(OidcUnavailableError);
    idp = await startDemoIdp({ port, clients: [{ clientId: 'gatehouse-test', clientSecret: CONFIG.client_secret, redirectUris: ['http://127.0.0.1:1/.gatehouse/callback'], postLogoutRedirectUris: [] }] });
    await expect.poll(() => client!.configuration() !== undefined, { timeout: 5_000 }).toBe(true);
  });

  it('builds an authorization URL with PKCE S256, state, nonce and offline_access', async () => {
    idp = await startDemoIdp({ clients: [{ clientId: 'gatehouse-test', clientSecret: CONFIG.client_secret, redirectUris: ['http://127.0.0.1:1/cb'], postLogoutRedirectUris: [] }] });
    client = new OidcClient({ ...CONFIG, issuer: idp.issuer });
    await client.start();
    const { url, checks } = await client.beginSignIn('http://127.0.0.1:1/cb');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('code_challenge')).not.toBe(checks.codeVerifier);
    expect(url.searchParams.get('state')).toBe(checks.state);
    expect(url.searchParams.get('nonce')).toBe(checks.nonce);
    expect(url.searchParams.get('scope')!.split(' ')).toEqual(['openid', 'email', 'profile', 'offline_access']);
    const second = await client.beginSignIn('http://127.0.0.1:1/cb');
    expect(second.checks.state).not.toBe(checks.state);
    expect(second.checks.nonce).not.toBe(checks.nonce);
  });

  it('refuses plain http to an issuer that is not on a loopback address', async () => {
    const warnings: string[] = [];
    client = new OidcClient({ ...CONFIG, issuer: 'http://idp.invalid' }, { retryMs: 60_000, logger: { info: () => undefined, warn: (entry) => warnings.push(JSON.stringify(entry)) } });
    await client.start();
    expect(client.configuration()).toBeUndefined();
    expect(warnings.join()).toMatch(/HTTPS/);
  });
});
