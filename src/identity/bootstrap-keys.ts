/**
 * Bootstrap API keys from `server.api_keys`: administrators' keys supplied through the environment. They are
 * kept only as HMAC-SHA256 digests (keyed with a per-process random key, so a heap dump reveals no usable digest)
 * and a presented key is compared against every digest in constant time.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Principal } from './principal.js';

export class BootstrapKeys {
  private readonly hmacKey = randomBytes(32);
  private readonly entries: ReadonlyArray<{ digest: Buffer; principal: Principal }>;

  constructor(keys: readonly string[]) {
    const distinct = [...new Set(keys.filter((key) => key.length > 0))];
    this.entries = distinct.map((key, index) => {
      const digest = this.digest(key);
      const id = `bootstrap-${index + 1}`;
      return {
        digest,
        principal: Object.freeze({
          authenticated: true,
          authMethod: 'bootstrap_key',
          subject: `key:${id}`,
          email: undefined,
          name: `bootstrap key ${index + 1}`,
          groups: Object.freeze([]),
          claims: Object.freeze({}),
          keyId: id,
          team: undefined,
          allowedModels: undefined,
          admin: true,
        } satisfies Principal),
      };
    });
  }

  get size(): number {
    return this.entries.length;
  }

  /** The principal of a matching key, or undefined. Every stored digest is compared, match or not. */
  match(presented: string): Principal | undefined {
    const digest = this.digest(presented);
    let found: Principal | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, digest)) found = entry.principal;
    }
    return found;
  }

  private digest(key: string): Buffer {
    return createHmac('sha256', this.hmacKey).update(key).digest();
  }
}
