/** The sign-in routes on a small Fastify app: what an unauthenticated caller gets, and sign-in while the IdP is down. */
import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OidcClient } from '../../../src/identity/oidc/oidc-client.js';
import type { SignInAttempts } from '../../../src/identity/oidc/sign-in-attempts.js';
import { ANONYMOUS, type Principal } from '../../../src/identity/principal.js';
import { registerSignInRoutes, requireSignedIn, signedInPreHandler } from '../../../src/identity/routes/sign-in.js';
import type { BrowserSessions } from '../../../src/identity/sessions/browser-sessions.js';
import { freePort } from '../../support/free-port.js';

describe('sign-in routes', () => {
  let app: FastifyInstance;
  let oidc: OidcClient;
  let principal: Principal;

  beforeEach(async () => {
    oidc = new OidcClient({ issuer: `http://127.0.0.1:${await freePort()}`, client_id: 'c', scopes: ['openid'], groups_claim: 'groups', email_claim: 'email', name_claim: 'name', refresh: true }, { retryMs: 60_000 });
    await oidc.start();
    principal = ANONYMOUS;
    app = Fastify();
    app.decorateRequest('principal', undefined);
    await app.register(fastifyCookie, { hook: false });
    app.addHook('onRequest', async (req) => void (req.principal = principal));
    // Neither is reached in these tests: sign-in stops at the undiscovered IdP, /me at the missing principal.
    registerSignInRoutes(app, { oidc, sessions: {} as BrowserSessions, attempts: {} as SignInAttempts, publicUrl: () => 'http://localhost:4000', cookieName: 'gatehouse_session' });
    app.route({ method: ['GET', 'POST'], url: '/ui/', handler: (req, reply) => (requireSignedIn(req, reply) ? reply.send('console') : reply) });
    app.get('/ui/pre', { preHandler: signedInPreHandler }, () => 'console');
  });
  afterEach(async () => {
    oidc.close();
    await app.close();
  });

  it('answers 503 with Retry-After while the IdP has not been discovered', async () => {
    const html = await app.inject({ url: '/.gatehouse/sign_in?return_to=/ui/', headers: { accept: 'text/html' } });
    expect(html.statusCode).toBe(503);
    expect(html.headers['retry-after']).toBe('5');
    expect(html.body).toContain('not available yet');
    const json = await app.inject({ url: '/.gatehouse/sign_in' });
    expect(json.json()).toMatchObject({ error: { code: 'sign_in_unavailable' } });
  });

  it('sends a signed-out browser to sign-in with return_to, and an API caller a 401 JSON', async () => {
    const browser = await app.inject({ url: '/ui/?tab=keys', headers: { accept: 'text/html,*/*' } });
    expect(browser.statusCode).toBe(302);
    expect(browser.headers.location).toBe('/.gatehouse/sign_in?return_to=%2Fui%2F%3Ftab%3Dkeys');
    const api = await app.inject({ url: '/ui/', headers: { accept: 'application/json' } });
    expect(api.statusCode).toBe(401);
    expect(api.json()).toMatchObject({ error: { type: 'authentication_error', code: 'sign_in_required' } });
    const post = await app.inject({ method: 'POST', url: '/ui/', headers: { accept: 'text/html' } });
    expect(post.statusCode).toBe(401);
    expect((await app.inject({ url: '/ui/pre', headers: { accept: 'text/html' } })).headers.location).toBe('/.gatehouse/sign_in?return_to=%2Fui%2Fpre');
    expect((await app.inject({ url: '/ui/pre' })).statusCode).toBe(401);
  });

  it('lets a signed-in caller through and shows the principal at /.gatehouse/me', async () => {
    principal = { ...ANONYMOUS, authenticated: true, authMethod: 'session', subject: 'alice', email: 'alice@example.com', groups: ['g'], claims: { department: 'research' } };
    expect((await app.inject({ url: '/ui/', headers: { accept: 'text/html' } })).body).toBe('console');
    expect((await app.inject({ url: '/ui/pre', headers: { accept: 'text/html' } })).body).toBe('console');
    const me = await app.inject({ url: '/.gatehouse/me' });
    expect(me.headers['cache-control']).toBe('no-store');
    expect(me.json()).toEqual({ subject: 'alice', email: 'alice@example.com', name: null, groups: ['g'], claims: { department: 'research' }, authMethod: 'session', admin: false, keyId: null, team: null });
  });
});
