/**
 * A token issuer for tests: real key pairs (jose), a real JWKS served over HTTP on 127.0.0.1, optionally an OIDC
 * discovery document, and counters of every request so tests can assert how often Gatehouse fetched keys.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { identitySchema, type BearerIssuerConfig } from '../../src/config/identity-schema.js';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export type SigningAlgorithm = 'RS256' | 'ES256';

export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

export interface IdpOptions {
  alg?: SigningAlgorithm;
  jwksPath?: string;
  /** Serve /.well-known/openid-configuration. */
  discovery?: boolean;
}

/** A path the server never answers. */
export const HANGING_PATH = '/hang';

let kidCounter = 0;

export async function newSigningKey(alg: SigningAlgorithm, kid = `key-${++kidCounter}`): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicKey, publicJwk };
}

export function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

/** A compact JWS assembled by hand, for tokens no honest library would produce. */
export function handmadeToken(header: object, payload: object, signature = ''): string {
  return `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}.${signature}`;
}

/** `identity.bearer` entries as the config loader would produce them (defaults applied, schema checked). */
export function bearerConfig(entries: object[]): BearerIssuerConfig[] {
  return identitySchema.parse({ bearer: entries }).bearer;
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export class TestIdp {
  /** Keys in the published JWKS. */
  published: SigningKey[];
  /** When set, every request is answered with this status. */
  failWith: number | undefined;
  /** Overrides the `issuer` named by the discovery document. */
  discoveryIssuer: string | undefined;
  readonly requests = new Map<string, number>();

  private constructor(
    private readonly server: Server,
    readonly issuer: string,
    readonly jwksUrl: string,
    readonly key: SigningKey,
    private readonly options: IdpOptions,
  ) {
    this.published = [key];
    server.on('request', (request, response) => {
      const path = new URL(request.url ?? '/', issuer).pathname;
      this.requests.set(path, (this.requests.get(path) ?? 0) + 1);
      if (path === HANGING_PATH) return; // never answered, for timeouts
      const body = this.answer(path);
      response.writeHead(body === undefined ? (this.failWith ?? 404) : 200, { 'content-type': 'application/json' });
      response.end(body === undefined ? '{}' : JSON.stringify(body));
    });
  }

  static async start(options: IdpOptions = {}): Promise<TestIdp> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const jwksUrl = `${issuer}${options.jwksPath ?? '/jwks.json'}`;
    return new TestIdp(server, issuer, jwksUrl, await newSigningKey(options.alg ?? 'RS256'), options);
  }

  get jwksFetches(): number {
    return this.requests.get(new URL(this.jwksUrl).pathname) ?? 0;
  }

  get discoveryFetches(): number {
    return this.requests.get('/.well-known/openid-configuration') ?? 0;
  }

  /** A new key replaces every published one. */
  async rotate(): Promise<SigningKey> {
    const next = await newSigningKey(this.key.alg);
    this.published = [next];
    return next;
  }

  /** A signed token: iss, aud `gatehouse`, sub `alice`, iat and exp (five minutes on), then `claims` (undefined removes). */
  async sign(claims: Record<string, unknown> = {}, key: SigningKey = this.published[0] ?? this.key): Promise<string> {
    const now = nowSeconds();
    const payload: Record<string, unknown> = { iss: this.issuer, aud: 'gatehouse', sub: 'alice', iat: now, exp: now + 300, ...claims };
    for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
    return new SignJWT(payload as JWTPayload).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' }).sign(key.privateKey);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  private answer(path: string): object | undefined {
    if (this.failWith !== undefined) return undefined;
    if (path === new URL(this.jwksUrl).pathname) return { keys: this.published.map((key) => key.publicJwk) };
    if (this.options.discovery && path === '/.well-known/openid-configuration') {
      return { issuer: this.discoveryIssuer ?? this.issuer, jwks_uri: this.jwksUrl, id_token_signing_alg_values_supported: [this.key.alg] };
    }
    return undefined;
  }
}
