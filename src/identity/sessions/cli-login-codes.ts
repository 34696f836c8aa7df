/**
 * One-time codes of `gatehouse login`. The signed-in browser is given a code for the CLI's loopback listener; the
 * CLI exchanges it, with the PKCE verifier only it knows, for a personal key. A code is stored as a hash, bound to
 * the CLI's S256 challenge and to the identity of the browser's session, lives two minutes and is deleted by
 * the first exchange, right or wrong.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import { parseSnapshot, serializeSnapshot, type IdentitySnapshot } from './identity-snapshot.js';
import { randomToken, tokenHash } from './secret-box.js';

export const CLI_CODE_TTL_MS = 2 * 60_000;

export class CliLoginCodes {
  private readonly clock: () => number;

  constructor(
    private readonly db: Kysely<Database>,
    options: { clock?: () => number } = {},
  ) {
    this.clock = options.clock ?? Date.now;
  }

  async issue(identity: IdentitySnapshot, codeChallenge: string): Promise<string> {
    const now = this.clock();
    await this.db.deleteFrom('cli_login_codes').where('expires_at', '<=', now).execute();
    const code = randomToken();
    await this.db
      .insertInto('cli_login_codes')
      .values({ code_hash: tokenHash(code), code_challenge: codeChallenge, identity: serializeSnapshot(identity), expires_at: now + CLI_CODE_TTL_MS })
      .execute();
    return code;
  }

  /** The identity the code was issued for, when the code is live and `codeVerifier` matches its challenge. */
  async redeem(code: string, codeVerifier: string): Promise<IdentitySnapshot | undefined> {
    const row = await this.db.deleteFrom('cli_login_codes').where('code_hash', '=', tokenHash(code)).returningAll().executeTakeFirst();
    if (!row || Number(row.expires_at) <= this.clock()) return undefined;
    const presented = Buffer.from(createHash('sha256').update(codeVerifier).digest('base64url'));
    const expected = Buffer.from(row.code_challenge);
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return undefined;
    return parseSnapshot(row.identity);
  }
}
