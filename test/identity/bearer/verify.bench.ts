/**
 * The cost of bearer verification on the hot path: a token already verified (cache hit) against a full
 * verification (cache miss, JWKS already fetched). Run with `npx vitest bench --run test/identity/bearer`.
 */
import { afterAll, bench, describe } from 'vitest';
import type { TokenVerifier } from '../../../src/identity/authenticate.js';
import { createTokenVerifier } from '../../../src/identity/bearer/index.js';
import { bearerConfig, TestIdp, type SigningAlgorithm } from '../../support/jwt-issuer.js';

interface Subject {
  idp: TestIdp;
  cached: TokenVerifier;
  uncached: TokenVerifier;
  token: string;
}

// Set up at load time: vitest's bench mode collects benches before hooks run.
async function subject(alg: SigningAlgorithm): Promise<Subject> {
  const idp = await TestIdp.start({ alg });
  const issuers = bearerConfig([{ issuer: idp.issuer, audiences: ['gatehouse'], jwks_url: idp.jwksUrl }]);
  const cached = createTokenVerifier(issuers, { clockToleranceMs: 30_000, maxTokenSize: 16_384 });
  // Entries expire at once, so every call is a full verification against the (jose-cached) JWKS.
  const uncached = createTokenVerifier(issuers, { clockToleranceMs: 30_000, maxTokenSize: 16_384, cacheMaxAgeMs: 0 });
  const token = await idp.sign({ email: 'alice@example.com', groups: ['ml-senior', 'research'], department: 'research' });
  await cached.verify(token, 'authorization');
  await uncached.verify(token, 'authorization');
  return { idp, cached, uncached, token };
}

for (const alg of ['RS256', 'ES256'] satisfies SigningAlgorithm[]) {
  const { idp, cached, uncached, token } = await subject(alg);
  describe(`bearer verification, ${alg}`, () => {
    afterAll(async () => idp.close());

    bench('cache hit', async () => {
      await cached.verify(token, 'authorization');
    });

    bench('cache miss (full verification)', async () => {
      await uncached.verify(token, 'authorization');
    });
  });
}
