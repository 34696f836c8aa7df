/**
 * Authenticated encryption of small secrets (refresh tokens, sign-in attempts) with a key derived from the
 * config's `secret`. HKDF gives each purpose its own key, so a value sealed for one use never opens in another;
 * AES-256-GCM makes any tampering fail to open rather than decrypt to something else.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  /** `purpose` names what is sealed (e.g. `session refresh token`); a different purpose gives a different key. */
  static fromSecret(secret: string, purpose: string): SecretBox {
    return new SecretBox(Buffer.from(hkdfSync('sha256', secret, 'gatehouse', purpose, 32)));
  }

  /** base64url of iv ‖ tag ‖ ciphertext. */
  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** The plaintext, or undefined when the value was not sealed by this box or was altered. */
  open(sealed: string): string | undefined {
    const raw = Buffer.from(sealed, 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}

/** SHA-256 (hex) of a random token: what the store keeps instead of session ids, states and one-time codes. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A random opaque token (256 bits, base64url). */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}
