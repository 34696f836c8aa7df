import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatehouseError } from '../../../src/errors.js';
import { JWKS_PATH, loadAssertionSigner, registerAssertionRoutes, type AssertionSigner } from '../../../src/identity/assertion/index.js';

let dir: string;
let signer: AssertionSigner;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-jwks-'));
  signer = await loadAssertionSigner({ signing_key_file: path.join(dir, 'assertion.pem'), publish_key_files: [], lifetime: 300_000 }, 'http://127.0.0.1:4000');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function appWith(current: () => AssertionSigner | undefined): FastifyInstance {
  const app = Fastify();
  // The gateway's own error handler renders GatehouseErrors; this stands in for it.
  app.setErrorHandler((error, _req, reply) => reply.code(error instanceof GatehouseError ? error.status : 500).send({ code: error instanceof GatehouseError ? error.code : 'unexpected' }));
  registerAssertionRoutes(app, current);
  return app;
}

describe('GET /.well-known/gatehouse/jwks.json', () => {
  it('serves the public keys without authentication, cacheable for five minutes', async () => {
    const app = appWith(() => signer);
    const response = await app.inject({ method: 'GET', url: JWKS_PATH });
    expect(JWKS_PATH).toBe('/.well-known/gatehouse/jwks.json');
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=300');
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const body = response.json<{ keys: Array<Record<string, unknown>> }>();
    expect(body).toEqual(signer.jwks());
    expect(body.keys[0]).not.toHaveProperty('d');
    await app.close();
  });

  it('answers 503 while the keys are still loading', async () => {
    const app = appWith(() => undefined);
    const response = await app.inject({ method: 'GET', url: JWKS_PATH });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ code: 'GH_ERR_NOT_READY' });
    await app.close();
  });
});
