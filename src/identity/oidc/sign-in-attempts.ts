/**
 * Sign-ins waiting for their callback, kept in the store so any replica can finish one. A row is keyed by a hash
 * of `state`, holds the nonce, PKCE verifier and return_to sealed with the secret, and is deleted by the callback
 * that takes it: a replayed callback finds nothing. Attempts older than ten minutes are refused and swept.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import { tokenHash, type SecretBox } from '../sessions/secret-box.js';
import type { SignInChecks } from './oidc-client.js';

export interface PendingSignIn {
  checks: SignInChecks;
  returnTo: string;
}

export const SIGN_IN_TTL_MS = 10 * 60_000;

export class SignInAttempts {
  private readonly clock: () => number;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly box: SecretBox,
    options: { clock?: () => number } = {},
  ) {
    this.clock = options.clock ?? Date.now;
  }

  async save(checks: SignInChecks, returnTo: string): Promise<void> {
    const now = this.clock();
    await this.db.deleteFrom('sign_in_attempts').where('created_at', '<', now - SIGN_IN_TTL_MS).execute();
    const payload = this.box.seal(JSON.stringify({ nonce: checks.nonce, codeVerifier: checks.codeVerifier, returnTo }));
    await this.db.insertInto('sign_in_attempts').values({ state_hash: tokenHash(checks.state), payload, created_at: now }).execute();
  }

  /** The attempt `state` names, removed so it cannot be taken twice; undefined when unknown, used or too old. */
  async take(state: string): Promise<PendingSignIn | undefined> {
    const row = await this.db.deleteFrom('sign_in_attempts').where('state_hash', '=', tokenHash(state)).returningAll().executeTakeFirst();
    if (!row || this.clock() - Number(row.created_at) > SIGN_IN_TTL_MS) return undefined;
    const opened = this.box.open(row.payload);
    if (opened === undefined) return undefined;
    const { nonce, codeVerifier, returnTo } = JSON.parse(opened) as { nonce: string; codeVerifier: string; returnTo: string };
    return { checks: { state, nonce, codeVerifier }, returnTo };
  }
}
