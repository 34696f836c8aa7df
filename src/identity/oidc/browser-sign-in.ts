/**
 * Browser sign-in assembled from the config: the OIDC client, the session store (mirrored in Redis when `redis`
 * is set), pending sign-ins and CLI login codes, and the routes that use them. Built once per process: changes
 * to `identity.oidc`, `identity.sessions`, `secret` or `redis` apply on restart; admins follow every reload.
 */
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { GatehouseConfig } from '../../config/schema.js';
import type { Logger } from '../../observability/logger.js';
import type { Database } from '../../store/schema.js';
import { AdminRule } from '../admins.js';
import { registerCliLoginRoutes, type PersonalKeyMinter } from '../routes/cli-login.js';
import { registerSignInRoutes } from '../routes/sign-in.js';
import { BrowserSessions } from '../sessions/browser-sessions.js';
import { CliLoginCodes } from '../sessions/cli-login-codes.js';
import { RedisSessionMirror } from '../sessions/redis-mirror.js';
import { SecretBox } from '../sessions/secret-box.js';
import { cookieSpec } from '../sessions/session-cookie.js';
import type { IdentitySnapshot } from '../sessions/identity-snapshot.js';
import { OidcClient } from './oidc-client.js';
import { SignInAttempts } from './sign-in-attempts.js';

export interface BrowserSignIn {
  readonly sessions: BrowserSessions;
  readonly oidc: OidcClient;
  /** Registers sign-in, sign-out, /me and the CLI login routes. */
  register(app: FastifyInstance, keys: () => PersonalKeyMinter | undefined): void;
  close(): Promise<void>;
}

export interface BrowserSignInOptions {
  db: Kysely<Database>;
  logger: Logger;
  /** The current config (admins change on reload). */
  config: () => GatehouseConfig;
  /** `server.public_url`, or the URL the gateway listens on when none is configured. */
  publicUrl: () => string;
  clock?: () => number;
  /** Told of every completed sign-in. */
  onSignIn?: (identity: IdentitySnapshot) => Promise<void>;
}

/** Undefined when `identity.oidc` is not configured. Discovery starts here and retries in the background. */
export function browserSignInFromConfig(initial: GatehouseConfig, options: BrowserSignInOptions): BrowserSignIn | undefined {
  const oidcConfig = initial.identity.oidc;
  if (!oidcConfig) return undefined;
  // The schema requires `secret` whenever identity.oidc is set.
  const secret = initial.secret!;
  const { db, logger } = options;
  const admins = adminRuleOf(options.config);
  const oidc = new OidcClient(oidcConfig, { logger });
  const redis = initial.redis ? new Redis(initial.redis.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false }) : undefined;
  redis?.on('error', (error: Error) => logger.debug({ err: { message: error.message } }, 'redis connection error'));
  const { sessions: lifetimes } = initial.identity;
  const cookieName = lifetimes.cookie_name;
  const sessions = new BrowserSessions({
    db,
    box: SecretBox.fromSecret(secret, 'gatehouse session refresh token'),
    lifetimes: { absoluteMs: lifetimes.absolute_lifetime, idleMs: lifetimes.idle_lifetime, refreshIntervalMs: lifetimes.refresh_interval },
    // Without a public_url the gateway is reached over plain http, so the name has no prefix.
    cookieName: cookieSpec(initial.server.public_url ?? 'http://localhost', cookieName).name,
    admins,
    refresher: oidcConfig.refresh ? oidc : undefined,
    mirror: redis && initial.redis ? new RedisSessionMirror(redis, initial.redis.key_prefix) : undefined,
    logger,
    ...(options.clock && { clock: options.clock }),
  });
  const attempts = new SignInAttempts(db, SecretBox.fromSecret(secret, 'gatehouse sign-in attempt'), options.clock && { clock: options.clock });
  const codes = new CliLoginCodes(db, options.clock && { clock: options.clock });
  void oidc.start();
  return {
    sessions,
    oidc,
    register(app, keys) {
      registerSignInRoutes(app, { oidc, sessions, attempts, publicUrl: options.publicUrl, cookieName, ...(options.onSignIn && { onSignIn: options.onSignIn }) });
      registerCliLoginRoutes(app, { codes, keys, admins, publicUrl: options.publicUrl });
    },
    async close() {
      oidc.close();
      await sessions.close();
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** The admin rule of the current config, rebuilt only when the config object changes. */
function adminRuleOf(config: () => GatehouseConfig): () => AdminRule {
  let source: GatehouseConfig | undefined;
  let rule: AdminRule | undefined;
  return () => {
    const current = config();
    if (current !== source || !rule) {
      source = current;
      rule = new AdminRule(current.identity.admins);
    }
    return rule;
  };
}
