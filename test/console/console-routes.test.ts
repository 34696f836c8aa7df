import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP } from '../../src/console/security-headers.js';
import { ASSET_JS, INDEX_HTML, startConsoleApp, type ConsoleApp } from './console-fixture.js';

const SIGNED_IN = { 'x-test-signed-in': 'alice' };
const BROWSER = { accept: 'text/html,application/xhtml+xml' };

/** Sends the path byte for byte (fetch and inject would resolve `..` before sending). */
function rawGet(url: string, target: string, headers: Record<string, string> = {}): Promise<{ status: number; head: string; body: string }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      const lines = Object.entries({ host: 'console.test', connection: 'close', ...headers }).map(([name, value]) => `${name}: ${value}`);
      socket.write(`GET ${target} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
    });
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const [head = '', body = ''] = data.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), head, body });
    });
  });
}

function expectSecurityHeaders(headers: Record<string, unknown>): void {
  expect(headers['content-security-policy']).toBe(CONSOLE_CSP);
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('same-origin');
}

describe('the console, built', () => {
  let fx: ConsoleApp;
  let url: string;
  beforeAll(async () => {
    fx = await startConsoleApp({ built: true });
    url = await fx.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => fx?.close());

  it('serves the page to a signed-in person at /ui/ and at every client-side route, revalidated on each use', async () => {
    for (const path of ['/ui/', '/ui/audit', '/ui/keys/new', '/ui/users/alice@example.com', '/ui/index.html', '/ui/audit?user=bob']) {
      const response = await fx.app.inject({ url: path, headers: { ...SIGNED_IN, ...BROWSER } });
      expect(response.statusCode, path).toBe(200);
      expect(response.body, path).toBe(INDEX_HTML);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.headers['cache-control'], path).toBe('no-cache');
      expectSecurityHeaders(response.headers);
    }
  });

  it('answers a revalidation with 304 when the page has not changed', async () => {
    const first = await fx.app.inject({ url: '/ui/', headers: SIGNED_IN });
    const etag = first.headers.etag as string;
    expect(etag).toBeTruthy();
    const again = await fx.app.inject({ url: '/ui/', headers: { ...SIGNED_IN, 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
  });

  it('serves hashed assets to anyone, cached for a year as immutable, and 404s a missing one instead of the page', async () => {
    const asset = await fx.app.inject({ url: '/ui/assets/index-AbC123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toBe(ASSET_JS);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-type']).toMatch(/^(application|text)\/javascript/);
    expectSecurityHeaders(asset.headers);
    const missing = await fx.app.inject({ url: '/ui/assets/index-Old999.js', headers: SIGNED_IN });
    expect(missing.statusCode).toBe(404);
    expect(missing.body).not.toContain('<html');
    expectSecurityHeaders(missing.headers);
  });

  it('serves other top-level files of the build, revalidated, and 404s missing ones', async () => {
    const icon = await fx.app.inject({ url: '/ui/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['cache-control']).toBe('no-cache');
    expect(icon.headers['content-type']).toBe('image/svg+xml');
    expect((await fx.app.inject({ url: '/ui/robots.txt', headers: SIGNED_IN })).statusCode).toBe(404);
  });

  it('sends a signed-out browser to sign-in and back to the page and query it asked for', async () => {
    const response = await fx.app.inject({ url: '/ui/audit?user=alice&decision=deny', headers: BROWSER });
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe(`/.gatehouse/sign_in?return_to=${encodeURIComponent('/ui/audit?user=alice&decision=deny')}`);
    expect(response.headers['cache-control']).toBe('no-store');
    expectSecurityHeaders(response.headers);
  });

  it('answers a signed-out program with 401 JSON, never the page', async () => {
    const response = await fx.app.inject({ url: '/ui/' });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: { code: 'sign_in_required' } });
  });

  it('redirects /ui and / to /ui/', async () => {
    expect(await fx.app.inject({ url: '/ui' })).toMatchObject({ statusCode: 302, headers: { location: '/ui/' } });
    expect(await fx.app.inject({ url: '/ui?x=1' })).toMatchObject({ statusCode: 302, headers: { location: '/ui/?x=1' } });
    expect(await fx.app.inject({ url: '/' })).toMatchObject({ statusCode: 302, headers: { location: '/ui/' } });
  });

  it('refuses every path that tries to leave the console folder, encoded or not', async () => {
    for (const target of [
      '/ui/../package.json',
      '/ui/../../package.json',
      '/ui/assets/../../package.json',
      '/ui/assets/..%2f..%2fpackage.json',
      '/ui/assets/%2e%2e/%2e%2e/package.json',
      '/ui/assets/%252e%252e%252f%252e%252e%252fpackage.json',
      '/ui/%2e%2e/%2e%2e/package.json',
      '/ui/assets/..%5c..%5cpackage.json',
      '/ui/assets/.%2e/.%2e/package.json',
      '/ui/assets/index-AbC123.js%00.html',
    ]) {
      const response = await rawGet(url, target, SIGNED_IN);
      expect(response.status, target).toBe(404);
      expect(response.body, target).not.toContain('secret-neighbour');
      expect(response.body, target).not.toContain('<html');
    }
  });
});

describe('the console, not built', () => {
  let fx: ConsoleApp;
  beforeAll(async () => {
    fx = await startConsoleApp({ built: false });
  });
  afterAll(() => fx?.close());

  it('answers 503 with a page that says how to build it, logs that once, and serves the build as soon as it exists', async () => {
    for (const path of ['/ui/', '/ui/audit']) {
      const response = await fx.app.inject({ url: path, headers: { ...SIGNED_IN, ...BROWSER } });
      expect(response.statusCode, path).toBe(503);
      expect(response.body).toContain('npm run build');
      expect(response.body).not.toMatch(/<script|<style|style=/);
      expect(response.headers['cache-control']).toBe('no-store');
      expectSecurityHeaders(response.headers);
    }
    expect(fx.warnings.map((warning) => warning.message)).toEqual(['the web console is not built (run npm run build): /ui/ answers 503']);
    fx.build();
    const built = await fx.app.inject({ url: '/ui/', headers: SIGNED_IN });
    expect(built.statusCode).toBe(200);
    expect(built.body).toBe(INDEX_HTML);
  });

  it('still sends a signed-out browser to sign-in first', async () => {
    const response = await fx.app.inject({ url: '/ui/spend', headers: BROWSER });
    expect(response.statusCode).toBe(302);
  });
});
