/**
 * `gatehouse login https://gateway`: signs a person in through their browser and prints a personal key, as
 * `gcloud auth login` does. The CLI listens on 127.0.0.1 at a random port and opens the gateway's
 * /.gatehouse/cli_login with a random `state` and a PKCE challenge; after sign-in the gateway sends the browser
 * back to the listener with a one-time code (never the key), which the CLI alone (it holds the verifier) can
 * exchange for the key. The listener accepts only the matching state, then closes.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetch } from 'undici';

export interface LoginOptions {
  /** Open this URL in the person's browser; default: the system's opener. */
  openBrowser?: ((url: string) => void) | undefined;
  /** Only print the URL (`--no-browser`). */
  noBrowser?: boolean;
  /** How long to wait for the browser (default 5 minutes). */
  timeoutMs?: number;
  out?: (text: string) => void;
  err?: (text: string) => void;
}

export interface LoginResult {
  apiKey: string;
  keyId: string;
  expiresAt: string | null;
  gateway: string;
}

export async function login(gatewayUrl: string, options: LoginOptions = {}): Promise<LoginResult> {
  const gateway = normalizeGateway(gatewayUrl);
  const err = options.err ?? ((text) => process.stderr.write(text));
  const state = randomBytes(24).toString('base64url');
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const listener = await listenForCode(state, options.timeoutMs ?? 5 * 60_000);
  try {
    const url = `${gateway}/.gatehouse/cli_login?${new URLSearchParams({ port: String(listener.port), state, code_challenge: challenge })}`;
    err(`Sign in to ${gateway} in your browser:\n\n  ${url}\n\n`);
    if (!options.noBrowser) (options.openBrowser ?? openInBrowser)(url);
    const code = await listener.code;
    return await exchange(gateway, code, verifier);
  } finally {
    listener.close();
  }
}

/** The shell lines that point OpenAI and Anthropic SDKs at the gateway with the key. */
export function exportLines(result: LoginResult): string {
  return [
    `export OPENAI_API_KEY=${result.apiKey}`,
    `export OPENAI_BASE_URL=${result.gateway}/v1`,
    `export ANTHROPIC_API_KEY=${result.apiKey}`,
    `export ANTHROPIC_BASE_URL=${result.gateway}`,
    '',
  ].join('\n');
}

export async function runLogin(gatewayUrl: string, options: { browser: boolean }): Promise<void> {
  try {
    const result = await login(gatewayUrl, { noBrowser: !options.browser });
    process.stderr.write(`Signed in. Personal key ${result.keyId}${result.expiresAt ? ` expires ${result.expiresAt}` : ''}.\n`);
    process.stdout.write(exportLines(result));
  } catch (error) {
    process.stderr.write(`gatehouse login: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}

function normalizeGateway(value: string): string {
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`expected an http(s) URL, got ${value}`);
  return url.href.replace(/\/+$/, '');
}

interface CodeListener {
  port: number;
  code: Promise<string>;
  close(): void;
}

async function listenForCode(state: string, timeoutMs: number): Promise<CodeListener> {
  let settle!: { resolve: (code: string) => void; reject: (error: Error) => void };
  const code = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  const server = createServer((req, res) => answerCallback(req, res, state, settle.resolve));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const timer = setTimeout(() => settle.reject(new Error('timed out waiting for the browser sign-in')), timeoutMs);
  return {
    port: (server.address() as AddressInfo).port,
    code,
    close() {
      clearTimeout(timer);
      server.closeAllConnections();
      server.close();
    },
  };
}

function answerCallback(req: IncomingMessage, res: ServerResponse, state: string, resolve: (code: string) => void): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const code = url.searchParams.get('code');
  if (req.method !== 'GET' || url.pathname !== '/callback' || url.searchParams.get('state') !== state || !code) {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('This is not the sign-in this command is waiting for.\n');
    return;
  }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', connection: 'close' }).end('<!doctype html><title>Gatehouse</title><p>Signed in. You can close this tab and return to the terminal.</p>');
  resolve(code);
}

async function exchange(gateway: string, code: string, verifier: string): Promise<LoginResult> {
  const response = await fetch(`${gateway}/.gatehouse/api/cli_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, code_verifier: verifier }),
  });
  const body = (await response.json().catch(() => ({}))) as { api_key?: string; key_id?: string; expires_at?: string | null; error?: { message?: string } };
  if (!response.ok || !body.api_key || !body.key_id) throw new Error(body.error?.message ?? `the gateway answered ${response.status}`);
  return { apiKey: body.api_key, keyId: body.key_id, expiresAt: body.expires_at ?? null, gateway };
}

function openInBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(command, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined); // no opener: the printed URL is enough
    child.unref();
  } catch {
    // as above
  }
}
