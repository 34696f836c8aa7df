/**
 * Keys are stored only as HMAC-SHA256 digests, keyed with a key derived (HKDF-SHA256) from the config `secret`.
 * A stolen database therefore yields neither usable keys nor digests that can be checked offline without the
 * secret. Each key carries 256 random bits, so a fast keyed hash suffices: there is nothing to brute-force.
 */
import { createHmac, createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';

const HKDF_INFO = 'gatehouse api keys';
const KEY_BYTES = 32;

export class KeyHasher {
  private readonly key: KeyObject;

  constructor(secret: string) {
    // No salt: the info string separates this key from anything else derived from the same secret.
    this.key = createSecretKey(Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), HKDF_INFO, KEY_BYTES)));
  }

  /** The digest stored and looked up, hex. */
  hash(apiKey: string): string {
    return createHmac('sha256', this.key).update(apiKey).digest('hex');
  }
}
