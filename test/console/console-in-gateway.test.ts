/**
 * The console as the real app wires it: console pages get the caller's principal (a session cookie signs them
 * in), assets and pages are never audited, while the API calls the console makes are.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RequestAccounting } from '../../src/accounting/request-accounting.js';
import { CONSOLE_CSP } from '../../src/console/security-headers.js';
import { cookie, SESSION_ALICE, startAdminApp, type AdminApp } from '../admin/app-fixture.js';

let fx: AdminApp;
beforeAll(async () => {
  fx = await startAdminApp();
});
afterAll(() => fx?.close());

describe('the console in the gateway', () => {
  it('sends a signed-out browser to sign-in and lets a signed-in one through to the page (or the not-built page)', async () => {
    const signedOut = await fx.app.inject({ url: '/ui/keys', headers: { accept: 'text/html' } });
    expect(signedOut.statusCode).toBe(302);
    expect(signedOut.headers.location).toBe('/.gatehouse/sign_in?return_to=%2Fui%2Fkeys');
    const signedIn = await fx.app.inject({ url: '/ui/keys', headers: { accept: 'text/html', ...cookie(SESSION_ALICE) } });
    // Whether dist/ui is built in this checkout is not this test's business: either answer proves the session was read.
    expect([200, 503]).toContain(signedIn.statusCode);
    expect(signedIn.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(signedIn.headers['content-security-policy']).toBe(CONSOLE_CSP);
  });

  it('redirects / to the console', async () => {
    expect(await fx.app.inject({ url: '/' })).toMatchObject({ statusCode: 302, headers: { location: '/ui/' } });
  });

  it('audits the API calls of the console but not its pages and assets', async () => {
    const audited = vi.spyOn(RequestAccounting.prototype, 'recordHttp');
    try {
      for (const url of ['/ui/', '/ui/audit', '/ui/assets/index-missing.js', '/ui']) await fx.app.inject({ url, headers: { accept: 'text/html', ...cookie(SESSION_ALICE) } });
      expect(audited).not.toHaveBeenCalled();
      await fx.app.inject({ url: '/.gatehouse/api/usage', headers: cookie(SESSION_ALICE) });
      expect(audited).toHaveBeenCalledTimes(1);
      expect(audited.mock.calls[0]![0]).toMatchObject({ path: '/.gatehouse/api/usage', status: 200, principal: { subject: 'alice-sub' } });
    } finally {
      audited.mockRestore();
    }
  });
});
