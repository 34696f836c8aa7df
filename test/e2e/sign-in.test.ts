/**
 * Browser sign-in end to end, over plain HTTP: a real OpenID provider (the demo IdP, `oidc-provider`), the
 * gateway, and a scripted browser with a cookie jar. Proves the whole flow (sign-in, session, /me, refresh,
 * sign-out) and every refusal the issue lists: forged state, replayed code, wrong nonce, return_to to another
 * origin, tampered or unknown session cookie, expired session.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox } from '../../src/identity/sessions/secret-box.js';
import { openStore } from '../../src/store/database.js';
import { ScriptedBrowser, loginFormAction, type Visit } from '../support/scripted-browser.js';
import { GATEWAY_SECRET, startSignInSetup, type SignInSetup } from '../support/sign-in-gateway.js';

const ME = '/.gatehouse/me';
const SESSION = 'gatehouse_session';
const ATTEMPT = 'gatehouse_sign_in';

async function loginPage(setup: SignInSetup, browser: ScriptedBrowser, returnTo: string): Promise<Visit> {
  const form = await browser.visit(`${setup.url}/.gatehouse/sign_in?return_to=${encodeURIComponent(returnTo)}`);
  expect(form.status).toBe(200);
  expect(form.body).toContain('DEMO');
  return form;
}

function credentials(setup: SignInSetup, username: string): Record<string, string> {
  return { username, password: setup.users.find((user) => user.username === username)!.password };
}

/** Signs `username` in through the IdP's form and returns where the browser lands. */
async function signIn(setup: SignInSetup, browser: ScriptedBrowser, username: string, returnTo = ME): Promise<Visit> {
  const form = await loginPage(setup, browser, returnTo);
  return browser.visit(loginFormAction(form.body, form.url), { form: credentials(setup, username) });
}

/** Completes the IdP side of a sign-in and returns the gateway callback URL, unfetched. */
async function callbackUrl(setup: SignInSetup, browser: ScriptedBrowser, username: string): Promise<string> {
  const form = await loginPage(setup, browser, ME);
  const stop = await browser.visit(loginFormAction(form.body, form.url), { form: credentials(setup, username), stopAt: (url) => url.startsWith(`${setup.url}/.gatehouse/callback`) });
  expect(stop.status).toBe(0);
  return stop.url;
}

async function me(setup: SignInSetup, browser: ScriptedBrowser): Promise<{ status: number; body: Record<string, unknown> }> {
  const visit = await browser.request(`${setup.url}${ME}`, { accept: 'application/json' });
  return { status: visit.status, body: JSON.parse(visit.body) as Record<string, unknown> };
}

async function sessionRows(setup: SignInSetup): Promise<number> {
  const store = await openStore(`sqlite:${path.join(setup.dataDir, 'gatehouse.db')}`);
  try {
    return (await store.db.selectFrom('sessions').select('id_hash').execute()).length;
  } finally {
    await store.close();
  }
}

describe('browser sign-in with a real OpenID provider', () => {
  let setup: SignInSetup;
  beforeAll(async () => {
    setup = await startSignInSetup();
  });
  afterAll(() => setup.close());

  it('signs alice in and shows her principal, groups and claims at /.gatehouse/me', async () => {
    const browser = new ScriptedBrowser();
    const landed = await signIn(setup, browser, 'alice');
    expect(landed.url).toBe(`${setup.url}${ME}`);
    expect(landed.status).toBe(200);
    const body = JSON.parse(landed.body) as Record<string, unknown>;
    expect(body).toMatchObject({ subject: 'alice', email: 'alice@example.com', name: 'Alice (demo)', groups: ['ml-senior'], authMethod: 'session', admin: false, keyId: null });
    expect(body.claims).toMatchObject({ department: 'research', email: 'alice@example.com' });
    expect(body.claims).not.toHaveProperty('nonce');
  });

  it('sets an HttpOnly, SameSite=Lax, Path=/ session cookie (not Secure on http) and clears the attempt cookie', async () => {
    const browser = new ScriptedBrowser();
    const callback = await callbackUrl(setup, browser, 'bob');
    const answer = await browser.request(callback);
    expect(answer.status).toBe(302);
    expect(answer.headers.get('location')).toBe(ME);
    const cookies = answer.headers.getSetCookie();
    const session = cookies.find((line) => line.startsWith(`${SESSION}=`))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Lax/);
    expect(session).toMatch(/Path=\//);
    expect(session).not.toMatch(/Secure/);
    expect(cookies.find((line) => line.startsWith(`${ATTEMPT}=`))).toMatch(/Max-Age=0/);
  });

  it('makes admins of the configured group', async () => {
    const browser = new ScriptedBrowser();
    await signIn(setup, browser, 'admin');
    expect((await me(setup, browser)).body).toMatchObject({ subject: 'admin', admin: true, groups: ['gatehouse-admins'] });
  });

  it('answers /.gatehouse/me with 401 JSON when signed out, even to a browser', async () => {
    const browser = new ScriptedBrowser();
    const visit = await browser.request(`${setup.url}${ME}`);
    expect(visit.status).toBe(401);
    expect(JSON.parse(visit.body)).toMatchObject({ error: { code: 'sign_in_required' } });
  });

  it('issues a new session id at every sign-in and deletes the old session', async () => {
    const browser = new ScriptedBrowser();
    await signIn(setup, browser, 'alice');
    const first = browser.cookie(setup.url, SESSION)!;
    // The IdP remembers alice: the second sign-in goes straight through it.
    const again = await browser.visit(`${setup.url}/.gatehouse/sign_in?return_to=${ME}`);
    expect(again.url).toBe(`${setup.url}${ME}`);
    const second = browser.cookie(setup.url, SESSION)!;
    expect(second).not.toBe(first);
    const stale = new ScriptedBrowser();
    stale.setCookie(setup.url, SESSION, first);
    expect((await me(setup, stale)).status).toBe(401);
    expect((await me(setup, browser)).status).toBe(200);
  });

  it('signs out: deletes the session, clears the cookie and sends the browser to the IdP end_session_endpoint', async () => {
    const browser = new ScriptedBrowser();
    await signIn(setup, browser, 'bob');
    const cookie = browser.cookie(setup.url, SESSION)!;
    const rowsBefore = await sessionRows(setup);
    const out = await browser.visit(`${setup.url}/.gatehouse/sign_out`, { stopAt: (url) => url.startsWith(setup.idp.issuer) });
    const endSession = new URL(out.url);
    expect(endSession.pathname).toBe('/session/end');
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${setup.url}/`);
    expect(endSession.searchParams.get('id_token_hint')).toMatch(/^eyJ/);
    expect(browser.cookie(setup.url, SESSION)).toBeUndefined();
    expect(await sessionRows(setup)).toBe(rowsBefore - 1);
    const replay = new ScriptedBrowser();
    replay.setCookie(setup.url, SESSION, cookie);
    expect((await me(setup, replay)).status).toBe(401);
  });

  it('signing out without a session goes to /', async () => {
    const out = await new ScriptedBrowser().request(`${setup.url}/.gatehouse/sign_out`, { method: 'POST' });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/');
  });

  it('refuses a forged state', async () => {
    const browser = new ScriptedBrowser();
    const callback = new URL(await callbackUrl(setup, browser, 'alice'));
    callback.searchParams.set('state', 'forged-state-value-0123456789');
    const answer = await browser.request(callback.href);
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('Sign-in failed');
    expect(answer.body).not.toContain('state');
    expect(browser.cookie(setup.url, SESSION)).toBeUndefined();
  });

  it('refuses a callback whose state was issued to another browser (login CSRF)', async () => {
    const attacker = new ScriptedBrowser();
    const callback = await callbackUrl(setup, attacker, 'bob');
    const victim = new ScriptedBrowser();
    expect((await victim.request(callback)).status).toBe(400);
    expect(victim.cookie(setup.url, SESSION)).toBeUndefined();
  });

  it('refuses a replayed callback (same code and state)', async () => {
    const browser = new ScriptedBrowser();
    const callback = await callbackUrl(setup, browser, 'alice');
    const attempt = browser.cookie(setup.url, ATTEMPT)!;
    expect((await browser.request(callback)).status).toBe(302);
    const replay = new ScriptedBrowser();
    replay.setCookie(setup.url, ATTEMPT, attempt);
    const answer = await replay.request(callback);
    expect(answer.status).toBe(400);
    expect(replay.cookie(setup.url, SESSION)).toBeUndefined();
    expect(setup.logs.entries('sign-in refused').some((entry) => entry.reason === 'unknown, used or expired state')).toBe(true);
  });

  it('refuses an ID token whose nonce is not the one this sign-in sent', async () => {
    const browser = new ScriptedBrowser();
    const callback = await callbackUrl(setup, browser, 'alice');
    // Swap the nonce in the pending sign-in: the IdP's ID token now carries a nonce the gateway did not expect.
    const box = SecretBox.fromSecret(GATEWAY_SECRET, 'gatehouse sign-in attempt');
    const store = await openStore(`sqlite:${path.join(setup.dataDir, 'gatehouse.db')}`);
    try {
      const rows = await store.db.selectFrom('sign_in_attempts').selectAll().execute();
      for (const row of rows) {
        const payload = JSON.parse(box.open(row.payload)!) as Record<string, string>;
        await store.db.updateTable('sign_in_attempts').set({ payload: box.seal(JSON.stringify({ ...payload, nonce: 'another-nonce' })) }).where('state_hash', '=', row.state_hash).execute();
      }
    } finally {
      await store.close();
    }
    const answer = await browser.request(callback);
    expect(answer.status).toBe(400);
    expect(browser.cookie(setup.url, SESSION)).toBeUndefined();
    const refusal = setup.logs.entries('sign-in refused').at(-1)!;
    expect(refusal.reason).toBe('the provider response failed a check');
    expect(JSON.stringify(refusal.err)).toMatch(/nonce/);
  });

  it('never redirects to another origin after sign-in', async () => {
    for (const hostile of ['https://evil.example/', '//evil.example/', '/\\evil.example/', 'javascript:alert(1)']) {
      const landed = await signIn(setup, new ScriptedBrowser(), 'bob', hostile);
      // Sent to `/` on this gateway, which redirects to the console.
      expect(landed.chain).toContain(`${setup.url}/`);
      expect(landed.url).toBe(`${setup.url}/ui/`);
    }
  });

  it('treats a tampered or unknown session cookie as signed out', async () => {
    const browser = new ScriptedBrowser();
    await signIn(setup, browser, 'alice');
    const cookie = browser.cookie(setup.url, SESSION)!;
    const tampered = new ScriptedBrowser();
    tampered.setCookie(setup.url, SESSION, `${cookie.slice(0, -1)}${cookie.endsWith('A') ? 'B' : 'A'}`);
    expect((await me(setup, tampered)).status).toBe(401);
    const unknown = new ScriptedBrowser();
    unknown.setCookie(setup.url, SESSION, 'x'.repeat(43));
    expect((await me(setup, unknown)).status).toBe(401);
  });

  it('sends a signed-out browser from a protected page to sign-in and back', async () => {
    const browser = new ScriptedBrowser();
    const form = await browser.visit(`${setup.url}/.gatehouse/cli_login?port=40000&state=abcdefghijklmnopqrst&code_challenge=${'a'.repeat(43)}`);
    expect(form.chain[1]).toContain('/.gatehouse/sign_in?return_to=%2F.gatehouse%2Fcli_login');
    expect(form.body).toContain('Sign in to Gatehouse');
  });

  it('never logs tokens or cookies', async () => {
    const browser = new ScriptedBrowser();
    await signIn(setup, browser, 'alice');
    const cookie = browser.cookie(setup.url, SESSION)!;
    expect(setup.logs.text).not.toContain(cookie);
    expect(setup.logs.text).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}\./);
    expect(setup.logs.text).not.toContain('alice-demo');
  });
});

describe('session lifetimes and refresh', () => {
  let setup: SignInSetup;
  beforeAll(async () => {
    setup = await startSignInSetup({ sessions: { refresh_interval: '1s', absolute_lifetime: '4s' } });
  });
  afterAll(() => setup.close());

  it('refreshes claims with the refresh token once the refresh interval has passed', async () => {
    const browser = new ScriptedBrowser();
    await signIn(setup, browser, 'alice');
    expect((await me(setup, browser)).body.claims).toMatchObject({ department: 'research' });
    const alice = setup.users.find((user) => user.username === 'alice')!;
    alice.claims = { department: 'legal' };
    alice.groups = ['ml-senior', 'legal-team'];
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const deadline = Date.now() + 2_000;
    let body = (await me(setup, browser)).body;
    while ((body.claims as Record<string, unknown>).department !== 'legal' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      body = (await me(setup, browser)).body;
    }
    expect(body).toMatchObject({ subject: 'alice', groups: ['ml-senior', 'legal-team'], claims: { department: 'legal' } });
    await setup.logs.waitFor('session claims refreshed');
  });

  it('ends a session whose refresh fails', async () => {
    const browser = new ScriptedBrowser();
    await signIn(setup, browser, 'bob');
    // The IdP no longer knows bob: the refresh grant is refused.
    const index = setup.users.findIndex((user) => user.username === 'bob');
    const [bob] = setup.users.splice(index, 1);
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      await me(setup, browser);
      await setup.logs.waitFor('session refresh failed; the session ends');
      expect((await me(setup, browser)).status).toBe(401);
    } finally {
      setup.users.push(bob!);
    }
  });

  it('ends a session at its absolute lifetime', async () => {
    const browser = new ScriptedBrowser();
    await signIn(setup, browser, 'admin');
    expect((await me(setup, browser)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 4_100));
    expect((await me(setup, browser)).status).toBe(401);
  });
});
