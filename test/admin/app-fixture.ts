/**
 * The real Fastify app (buildApp) with a store, VirtualKeys and a mock model, for admin API and personal key route
 * tests. Browser sessions and bearer JWTs are other modules' business: here they are stood in by verifiers that
 * know a few fixed credentials, so routes can be tested with principals of every kind.
 */
import type { FastifyInstance } from 'fastify';
import { RequestAccounting } from '../../src/accounting/request-accounting.js';
import { configSchema, type GatehouseConfig } from '../../src/config/schema.js';
import { Directory } from '../../src/directory/index.js';
import { AdminRule } from '../../src/identity/admins.js';
import { principalOfIdentity, type Authenticator, type SessionVerifier, type VerifiedIdentity } from '../../src/identity/authenticate.js';
import { presentedCredential } from '../../src/identity/credentials.js';
import { VirtualKeys, type VirtualKeysOptions } from '../../src/identity/keys/index.js';
import type { Principal } from '../../src/identity/principal.js';
import { createLogger } from '../../src/observability/logger.js';
import { GatewayMetrics } from '../../src/observability/metrics.js';
import { QuotaServices } from '../../src/quota/index.js';
import { buildApp } from '../../src/server/app.js';
import { Runtime } from '../../src/server/runtime.js';
import { BatchWriter } from '../../src/store/batch-writer.js';
import { openStore, type Store } from '../../src/store/database.js';
import type { UsageRecord } from '../../src/store/usage-records.js';
import { LogCapture } from '../support/log-capture.js';

export const ADMIN_KEY = 'gh-admin-bootstrap-key-0123456789';
export const SECRET = 'admin-test-secret-0123456789';

/** JWTs (by shape) the stand-in token verifier accepts. */
export const JWT_ADMIN = 'eyJadmin.eyJpayload.sig';
export const JWT_ALICE = 'eyJalice.eyJpayload.sig';
export const JWT_BOB = 'eyJbob.eyJpayload.sig';
/** Session cookie values the stand-in session verifier accepts. */
export const SESSION_ADMIN = 'session-admin';
export const SESSION_ALICE = 'session-alice';
export const SESSION_COOKIE = 'gatehouse_session';

const IDENTITIES: Record<string, VerifiedIdentity> = {
  admin: identity('root', 'root@example.com', ['gatehouse-admins']),
  alice: identity('alice-sub', 'alice@example.com', ['ml-senior']),
  bob: identity('bob-sub', 'bob@example.com', ['interns']),
};

function identity(subject: string, email: string, groups: string[]): VerifiedIdentity {
  return { issuer: 'https://idp.test', subject, email, name: subject, groups, claims: { sub: subject, email }, expiresAt: undefined };
}

export interface AdminApp {
  app: FastifyInstance;
  keys: VirtualKeys | undefined;
  store: Store;
  logs: LogCapture;
  config: GatehouseConfig;
  /** The directory the request path and the admin API share, when asked for one. */
  directory: Directory | undefined;
  close(): Promise<void>;
}

export interface AdminAppOptions {
  /** Build no VirtualKeys at all. */
  withoutKeys?: boolean;
  keys?: Partial<VirtualKeysOptions>;
  /** Wire a directory (as the gateway does), so teams', people's and keys' limits and budgets apply to requests. */
  withDirectory?: boolean;
}

export async function startAdminApp(options: AdminAppOptions = {}): Promise<AdminApp> {
  const config = configSchema.parse({
    server: { api_keys: [ADMIN_KEY] },
    storage: { url: 'sqlite::memory:' },
    secret: SECRET,
    identity: { admins: { groups: ['gatehouse-admins'] } },
    providers: { mock: { type: 'mock' } },
    models: [{ name: 'model-a', deployments: [{ provider: 'mock', model: 'a' }] }, { name: 'model-b', deployments: [{ provider: 'mock', model: 'b' }] }],
  });
  const logs = new LogCapture();
  const logger = createLogger('debug', logs);
  const store = await openStore(config.storage.url);
  const admins = new AdminRule(config.identity.admins);
  const keys = options.withoutKeys
    ? undefined
    : new VirtualKeys({ db: store.db, secret: config.secret, revocationDelayMs: 10_000, personalMaxLifetimeMs: 24 * 3_600_000, personalDefaultLifetimeMs: 8 * 3_600_000, admins, ...options.keys });
  const runtime = withTestTokens(Runtime.create(config, { identity: { ...(keys && { keys }), sessions: fakeSessions(admins) } }), admins);
  const metrics = new GatewayMetrics({ defaultMetrics: false });
  const writer = new BatchWriter<UsageRecord>({ write: () => Promise.resolve(), flushIntervalMs: 1000, batchSize: 100 });
  const directory = options.withDirectory ? new Directory({ db: store.db }) : undefined;
  const quota = new QuotaServices({ config, db: store.db, logger, metrics: metrics.quota, currentConfig: () => config, ...(directory && { directory }) });
  const app = buildApp({ runtime: () => runtime, store, metrics, accounting: new RequestAccounting(writer, undefined, metrics, logger, quota), logger, keys: () => keys, quota, ...(directory && { directory }) });
  await app.ready();
  return {
    app,
    keys,
    store,
    logs,
    config,
    directory,
    async close() {
      await app.close();
      await writer.close();
      await quota.close();
      await keys?.close();
      await store.close();
      await runtime.retire(undefined);
    },
  };
}

/** The runtime, except that the test JWTs above authenticate as their people (as a configured issuer's would). */
function withTestTokens(runtime: Runtime, admins: AdminRule): Runtime {
  const real = runtime.authenticator;
  const authenticator: Authenticator = {
    authenticate(input) {
      const name = /^eyJ(\w+)\./.exec(presentedCredential(input.headers) ?? '')?.[1];
      const person = name === undefined ? undefined : IDENTITIES[name];
      return person ? Promise.resolve(principalOfIdentity(person, admins)) : real.authenticate(input);
    },
  };
  return new Proxy(runtime, { get: (target, property) => (property === 'authenticator' ? authenticator : Reflect.get(target, property)) });
}

function fakeSessions(admins: AdminRule): SessionVerifier {
  const sessionPrincipal = (who: VerifiedIdentity): Principal => ({
    authenticated: true,
    authMethod: 'session',
    subject: who.subject,
    email: who.email,
    name: who.name,
    groups: who.groups,
    claims: who.claims,
    keyId: undefined,
    team: undefined,
    allowedModels: undefined,
    admin: admins.isAdmin(who),
  });
  const sessions: Record<string, Principal> = { [SESSION_ADMIN]: sessionPrincipal(IDENTITIES.admin!), [SESSION_ALICE]: sessionPrincipal(IDENTITIES.alice!) };
  return { cookieName: SESSION_COOKIE, verify: (cookie) => Promise.resolve(sessions[cookie]) };
}

export const bearer = (credential: string) => ({ authorization: `Bearer ${credential}` });
export const cookie = (session: string) => ({ cookie: `${SESSION_COOKIE}=${session}` });
