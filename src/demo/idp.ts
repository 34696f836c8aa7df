/**
 * DEMO ONLY: a tiny OpenID provider (the `oidc-provider` package) with a few fixed users, so `gatehouse demo`
 * can show browser sign-in without any outside identity provider. It keeps everything in memory, listens on
 * 127.0.0.1 only, and is started by `gatehouse demo` and by tests, never by any configuration key.
 *
 * Sign-in is a plain username/password form; consent is granted automatically (the gateway is a first-party
 * client). ID tokens carry `email`, `name`, `groups` and `department`; refresh tokens are issued for
 * `offline_access`, so the gateway can refresh claims.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { consentAutomatically, demoPage, loginPage } from './idp-pages.js';
import { memoryAdapter } from './memory-adapter.js';

export interface DemoUser {
  username: string;
  password: string;
  email: string;
  name: string;
  groups: string[];
  /** Extra claims, e.g. `department`; read at every token issue, so changing them shows up at the next refresh. */
  claims: Record<string, unknown>;
}

export interface DemoClient {
  clientId: string;
  /** Absent: a public client (PKCE only). */
  clientSecret?: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
}

export interface DemoIdpOptions {
  /** Default 0 (any free port). */
  port?: number;
  clients: DemoClient[];
  users?: DemoUser[];
  log?: (message: string) => void;
}

export interface DemoIdp {
  issuer: string;
  users: DemoUser[];
  close(): Promise<void>;
}

export function defaultDemoUsers(): DemoUser[] {
  return [
    { username: 'alice', password: 'alice-demo', email: 'alice@example.com', name: 'Alice (demo)', groups: ['ml-senior'], claims: { department: 'research' } },
    { username: 'bob', password: 'bob-demo', email: 'bob@example.com', name: 'Bob (demo)', groups: ['interns'], claims: { department: 'legal' } },
    { username: 'admin', password: 'admin-demo', email: 'admin@example.com', name: 'Admin (demo)', groups: ['gatehouse-admins'], claims: { department: 'it' } },
  ];
}

export async function startDemoIdp(options: DemoIdpOptions): Promise<DemoIdp> {
  const users = options.users ?? defaultDemoUsers();
  const log = options.log ?? (() => undefined);
  // The issuer names the port, known only once listening; requests that arrive before the provider exists wait.
  let ready!: (provider: Provider) => void;
  const providerReady = new Promise<Provider>((resolve) => (ready = resolve));
  const server = createServer((req, res) => {
    void providerReady
      .then((provider) => route(provider, users, log, req, res))
      .catch((error: unknown) => {
        log(`DEMO IdP interaction failed: ${(error as Error).message}`);
        if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' }).end(demoPage('Sign-in failed', '<p>This sign-in request is no longer valid. Start again from Gatehouse.</p>'));
      });
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, await providerConfiguration(options.clients, users));
  provider.on('server_error', (_ctx: KoaContextWithOIDC, error: Error) => log(`DEMO IdP error: ${error.message}`));
  handlers.set(provider, provider.callback());
  ready(provider);
  log(`DEMO identity provider (not for production) listening at ${issuer}`);
  return { issuer, users, close: () => closeServer(server) };
}

const handlers = new WeakMap<Provider, (req: IncomingMessage, res: ServerResponse) => void>();

async function route(provider: Provider, users: DemoUser[], log: (message: string) => void, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const match = /^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/.exec(new URL(req.url ?? '/', 'http://idp').pathname);
  if (!match) return handlers.get(provider)!(req, res);
  const interaction = await provider.interactionDetails(req, res);
  if (interaction.prompt.name === 'consent') return consentAutomatically(provider, interaction, req, res);
  if (!match[2] || req.method !== 'POST') return sendHtml(res, 200, loginPage(interaction.uid, undefined));
  const form = new URLSearchParams(await readBody(req));
  const user = users.find((candidate) => candidate.username === form.get('username'));
  if (!user || user.password !== form.get('password')) {
    log(`DEMO IdP: wrong username or password for "${(form.get('username') ?? '').slice(0, 40)}"`);
    return sendHtml(res, 401, loginPage(interaction.uid, 'Wrong username or password.'));
  }
  log(`DEMO IdP: ${user.username} signed in`);
  await provider.interactionFinished(req, res, { login: { accountId: user.username } }, { mergeWithLastSubmission: false });
}

async function providerConfiguration(clients: DemoClient[], users: DemoUser[]): Promise<Configuration> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: randomBytes(8).toString('hex') };
  return {
    clients: clients.map((client) => ({
      client_id: client.clientId,
      ...(client.clientSecret ? { client_secret: client.clientSecret } : { token_endpoint_auth_method: 'none' as const }),
      redirect_uris: client.redirectUris,
      post_logout_redirect_uris: client.postLogoutRedirectUris,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    })),
    async findAccount(_ctx, sub) {
      const user = users.find((candidate) => candidate.username === sub);
      if (!user) return undefined;
      return {
        accountId: sub,
        claims: () => ({ sub, email: user.email, email_verified: true, name: user.name, groups: [...user.groups], ...user.claims }),
      };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups', 'department'] },
    scopes: ['openid', 'offline_access', 'email', 'profile'],
    // Put the scope's claims in the ID token itself, as many enterprise IdPs are configured to do.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true, logoutSource: (ctx, form) => void (ctx.body = demoPage('Sign out of the demo IdP?', `${form}<button form="op.logoutForm" name="logout" value="yes" autofocus>Yes, sign me out</button>`)) },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    // A refresh token with every code, as Keycloak does: oidc-provider would otherwise grant offline_access only
    // with prompt=consent, and the gateway does not force a consent screen at every sign-in.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    jwks: { keys: [jwk] },
    adapter: memoryAdapter,
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    ttl: { AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600, RefreshToken: 86_400, Interaction: 600, Session: 86_400, Grant: 86_400 },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = demoPage('Sign-in error', `<p>${String(out.error).replace(/[^\w .:-]/g, '')}</p>`);
    },
  };
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > 10_000) throw new Error('form too large');
  }
  return body;
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
