/**
 * `gatehouse login` end to end: the CLI's loopback listener, the gateway, the demo IdP, and a scripted browser
 * (undici with a cookie jar) in place of a real one. The key the CLI receives must work on the API; a wrong
 * state, a reused code and a wrong verifier are refused.
 */
import { createHash, randomBytes } from 'node:crypto';
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportLines, login } from '../../src/cli/login.js';
import { ScriptedBrowser, loginFormAction, type Visit } from '../support/scripted-browser.js';
import { startSignInSetup, type SignInSetup } from '../support/sign-in-gateway.js';

/** The browser's part: open the URL, sign in at the IdP when asked, follow redirects to the end. */
async function browse(browser: ScriptedBrowser, url: string, username = 'alice', stopAt?: (url: string) => boolean): Promise<Visit> {
  const first = await browser.visit(url, { ...(stopAt && { stopAt }) });
  if (!first.body.includes('Sign in to Gatehouse')) return first;
  return browser.visit(loginFormAction(first.body, first.url), { form: { username, password: `${username}-demo` }, ...(stopAt && { stopAt }) });
}

async function exchange(setup: SignInSetup, code: string, verifier: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${setup.url}/.gatehouse/api/cli_token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, code_verifier: verifier }) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('gatehouse login', () => {
  let setup: SignInSetup;
  beforeAll(async () => {
    setup = await startSignInSetup();
  });
  afterAll(() => setup.close());

  it('signs in through the browser and receives a personal key that works on the API', async () => {
    const browser = new ScriptedBrowser();
    const visits: Visit[] = [];
    let printed = '';
    const result = await login(setup.url, {
      openBrowser: (url) => void browse(browser, url).then((visit) => visits.push(visit)),
      err: (text) => (printed += text),
      timeoutMs: 20_000,
    });
    expect(printed).toContain(`${setup.url}/.gatehouse/cli_login?port=`);
    expect(result.apiKey.length).toBeGreaterThan(20);
    expect(result.gateway).toBe(setup.url);
    await expect.poll(() => visits.length).toBe(1);
    const visit = visits[0]!;
    expect(visit.body).toContain('You can close this tab');
    // The key never travels in a URL.
    for (const url of visit.chain) expect(url).not.toContain(result.apiKey);
    const loopback = new URL(visit.chain.at(-1)!);
    expect(loopback.hostname).toBe('127.0.0.1');
    expect([...loopback.searchParams.keys()].sort()).toEqual(['code', 'state']);

    const me = await fetch(`${setup.url}/.gatehouse/me`, { headers: { authorization: `Bearer ${result.apiKey}` } });
    expect(await me.json()).toMatchObject({ subject: 'alice', authMethod: 'personal_key', groups: ['ml-senior'] });
    const chat = await fetch(`${setup.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${result.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'demo-fast', messages: [{ role: 'user', content: 'hello' }] }),
    });
    expect(chat.status).toBe(200);

    const lines = exportLines(result);
    expect(lines).toContain(`export OPENAI_API_KEY=${result.apiKey}\n`);
    expect(lines).toContain(`export OPENAI_BASE_URL=${setup.url}/v1\n`);
    expect(lines).toContain(`export ANTHROPIC_BASE_URL=${setup.url}\n`);
    expect(setup.logs.text).not.toContain(result.apiKey);
  });

  it('ignores a callback with the wrong state and keeps waiting for the right one', async () => {
    const browser = new ScriptedBrowser();
    let wrongStateAnswer: Visit | undefined;
    const result = await login(setup.url, {
      openBrowser: (url) => {
        const forged = new URL(url);
        forged.searchParams.set('state', 'someone-elses-state-0123456789');
        void browse(browser, forged.href, 'bob')
          .then((visit) => (wrongStateAnswer = visit))
          .then(() => browse(browser, url, 'bob'));
      },
      err: () => undefined,
      timeoutMs: 20_000,
    });
    expect(wrongStateAnswer?.status).toBe(400);
    expect(wrongStateAnswer?.body).toContain('not the sign-in this command is waiting for');
    const me = await fetch(`${setup.url}/.gatehouse/me`, { headers: { authorization: `Bearer ${result.apiKey}` } });
    expect(await me.json()).toMatchObject({ subject: 'bob' });
  });

  describe('the code exchange', () => {
    async function issueCode(browser: ScriptedBrowser, challenge: string): Promise<string> {
      const url = `${setup.url}/.gatehouse/cli_login?port=45678&state=state-0123456789abcdef&code_challenge=${challenge}`;
      const stop = await browse(browser, url, 'alice', (next) => next.startsWith('http://127.0.0.1:45678/'));
      expect(stop.status).toBe(0);
      return new URL(stop.url).searchParams.get('code')!;
    }

    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');

    it('accepts a code once', async () => {
      const code = await issueCode(new ScriptedBrowser(), challenge);
      const first = await exchange(setup, code, verifier);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ subject: 'alice', base_url: setup.url });
      const again = await exchange(setup, code, verifier);
      expect(again.status).toBe(400);
      expect(again.body).toMatchObject({ error: { code: 'invalid_grant' } });
      expect(JSON.stringify(again.body)).not.toContain('sk-');
    });

    it('refuses a verifier that does not match the challenge, and burns the code', async () => {
      const code = await issueCode(new ScriptedBrowser(), challenge);
      expect((await exchange(setup, code, randomBytes(32).toString('base64url'))).status).toBe(400);
      expect((await exchange(setup, code, verifier)).status).toBe(400);
    });

    it('refuses an unknown code and a malformed request', async () => {
      expect((await exchange(setup, randomBytes(32).toString('base64url'), verifier)).status).toBe(400);
      expect((await exchange(setup, 'x', 'short')).status).toBe(400);
    });

    it('refuses a malformed sign-in link', async () => {
      const visit = await new ScriptedBrowser().request(`${setup.url}/.gatehouse/cli_login?port=80&state=s&code_challenge=c`);
      expect(visit.status).toBe(400);
    });

    it('does not hand a key to a caller authenticated by an API key instead of a browser session', async () => {
      const response = await fetch(`${setup.url}/.gatehouse/cli_login?port=45678&state=state-0123456789abcdef&code_challenge=${challenge}`, {
        headers: { authorization: 'Bearer gh-sign-in-test-admin-key', accept: 'text/html' },
        redirect: 'manual',
      });
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toMatch(/^\/\.gatehouse\/sign_in\?return_to=/);
    });
  });
});
