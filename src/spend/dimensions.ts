/**
 * The dimensions spend is aggregated by, and each one's value for a request. The values are the ones budget
 * buckets use (`bucketOf` in policy/obligations.ts): spend of `user` alice is what the `user:alice` budget counts,
 * which is what lets the ledger be rebuilt from these aggregates.
 */
import { claimReader, claimText, type ClaimReader } from '../policy/claims.js';

export type SpendDimension = 'user' | 'team' | 'key' | 'model' | `claim/${string}`;

export const FIXED_DIMENSIONS = ['user', 'team', 'key', 'model'] as const;

/** `claim/<name or dotted path>`, with the characters a claim path may hold in the configuration. */
const CLAIM_DIMENSION = /^claim\/[A-Za-z0-9_:/@.-]+$/;

export function isSpendDimension(text: string): text is SpendDimension {
  return (FIXED_DIMENSIONS as readonly string[]).includes(text) || CLAIM_DIMENSION.test(text);
}

/** Who made a request, as far as spend cares. A `Principal` fits. */
export interface SpendPrincipal {
  readonly subject: string;
  readonly team: string | undefined;
  readonly keyId: string | undefined;
  readonly claims: Readonly<Record<string, unknown>>;
}

const readers = new Map<string, ClaimReader>();

/** `[dimension, value]` pairs of a request; a dimension the principal has no value for is left out. */
export function dimensionValues(principal: SpendPrincipal, model: string, claimDimensions: readonly string[]): Array<[SpendDimension, string]> {
  const pairs: Array<[SpendDimension, string]> = [['user', principal.subject], ['model', model]];
  if (principal.team !== undefined) pairs.push(['team', principal.team]);
  if (principal.keyId !== undefined) pairs.push(['key', principal.keyId]);
  for (const dimension of claimDimensions) {
    if (!CLAIM_DIMENSION.test(dimension)) throw new RangeError(`not a claim dimension: "${dimension}" (expected claim/<path>)`);
    let reader = readers.get(dimension);
    if (reader === undefined) {
      reader = claimReader(dimension.slice('claim/'.length));
      readers.set(dimension, reader);
    }
    const value = claimText(reader(principal.claims));
    if (value !== undefined) pairs.push([dimension as SpendDimension, value]);
  }
  return pairs;
}
