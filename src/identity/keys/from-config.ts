/** The gateway's VirtualKeys, built from the config at start (revocation delay, lifetimes and secret are fixed then). */
import type { Kysely } from 'kysely';
import type { GatehouseConfig } from '../../config/schema.js';
import type { Logger } from '../../observability/logger.js';
import type { Database } from '../../store/schema.js';
import { AdminRule } from '../admins.js';
import { VirtualKeys } from './virtual-keys.js';

export function virtualKeysFromConfig(config: GatehouseConfig, db: Kysely<Database>, logger: Logger): VirtualKeys {
  const { keys } = config.identity;
  if (!config.secret) logger.warn({ key: 'secret' }, 'no secret is configured: virtual and personal API keys are disabled');
  return new VirtualKeys({
    db,
    secret: config.secret,
    revocationDelayMs: keys.revocation_delay,
    personalMaxLifetimeMs: keys.personal_max_lifetime,
    personalDefaultLifetimeMs: keys.personal_default_lifetime,
    admins: new AdminRule(config.identity.admins),
    onError: (error) => logger.warn({ err: { message: (error as Error).message } }, 'writing API key last-used times failed; will retry'),
  });
}

/** Settings of `keys` that only a restart applies; the rest (admins) a reload does. */
export function keySettingsChanged(previous: GatehouseConfig, next: GatehouseConfig): boolean {
  return previous.secret !== next.secret || JSON.stringify(previous.identity.keys) !== JSON.stringify(next.identity.keys);
}
