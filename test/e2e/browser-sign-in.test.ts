/**
 * Sign-in once in a real browser (headless Chromium driven by playwright-core): the redirects, cookies and the
 * IdP's form behave in Chromium as the scripted tests assume. CI installs Chromium, so there a missing browser
 * fails the test; elsewhere the test is skipped, and its name says why.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { startSignInSetup, type SignInSetup } from '../support/sign-in-gateway.js';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const required = Boolean(process.env.CI);

describe('browser sign-in in headless Chromium', () => {
  let setup: SignInSetup | undefined;
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
    await setup?.close();
  });

  it.runIf(available || required)(`signs alice in and lands on /.gatehouse/me${available ? '' : ` (skipped outside CI: ${CHROMIUM} is missing)`}`, async () => {
    if (!available) throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium package for the browser tests`);
    setup = await startSignInSetup();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    const page = await browser.newPage();
    await page.goto(`${setup.url}/.gatehouse/sign_in?return_to=/.gatehouse/me`);
    await expect.poll(() => page.textContent('body')).toContain('DEMO identity provider');
    await page.fill('input[name="username"]', 'alice');
    await page.fill('input[name="password"]', setup.users.find((user) => user.username === 'alice')!.password);
    await Promise.all([page.waitForURL(`${setup.url}/.gatehouse/me`), page.click('button[type="submit"]')]);
    const me = JSON.parse((await page.textContent('body')) ?? '{}') as Record<string, unknown>;
    expect(me).toMatchObject({ subject: 'alice', email: 'alice@example.com', groups: ['ml-senior'], authMethod: 'session', claims: { department: 'research' } });
    const cookies = await page.context().cookies(setup.url);
    const session = cookies.find((cookie) => cookie.name === 'gatehouse_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
  }, 60_000);
});
