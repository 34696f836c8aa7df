/**
 * The `identity` and `redis` sections of the configuration contract: browser sign-in (OIDC), sessions, bearer JWT
 * issuers (IdPs, workloads, or an identity-aware proxy in front of Gatehouse), virtual keys, admins and the signed
 * identity assertion sent upstream.
 */
import { z } from 'zod';
import { duration } from './schema-units.js';

const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

const issuerUrl = z.url({ protocol: /^https?$/, error: 'expected the issuer URL, such as https://idp.example.com' });
/** A dotted path into the token's claims, e.g. `groups` or `realm_access.roles`. */
const claimPath = z.string().regex(/^[A-Za-z0-9_:/@.-]+$/, 'expected a claim name or dotted path such as realm_access.roles');

const oidcSchema = z.strictObject({
  issuer: issuerUrl,
  client_id: z.string().min(1),
  client_secret: z.string().optional(),
  scopes: z.array(z.string()).default(['openid', 'email', 'profile']),
  groups_claim: claimPath.default('groups'),
  email_claim: claimPath.default('email'),
  name_claim: claimPath.default('name'),
  /** Ask the IdP for a refresh token and use it to refresh claims before they expire. */
  refresh: z.boolean().default(true),
});

const sessionsSchema = z.strictObject({
  /** A session ends this long after sign-in, whatever happens. */
  absolute_lifetime: duration.prefault('12h'),
  /** A session ends after this long without a request. */
  idle_lifetime: duration.prefault('1h'),
  /** How often claims are refreshed with the IdP's refresh token (and at the ID token's expiry at the latest). */
  refresh_interval: duration.prefault('15m'),
  cookie_name: z.string().regex(/^[A-Za-z0-9_-]+$/).default('gatehouse_session'),
});

const bearerIssuerSchema = z.strictObject({
  issuer: issuerUrl,
  audiences: z.array(z.string().min(1)).min(1, 'list the audiences (aud) Gatehouse accepts from this issuer'),
  /** The JWKS; when absent, discovered from the issuer's /.well-known/openid-configuration. */
  jwks_url: z.url({ protocol: /^https?$/ }).optional(),
  algorithms: z.array(z.enum(JWT_ALGORITHMS, { error: `expected one of ${JWT_ALGORITHMS.join(', ')} (symmetric and "none" algorithms are never accepted)` })).min(1).default(['RS256', 'ES256']),
  /** The header the token arrives in. Default: `Authorization: Bearer`. Set for identity-aware proxies, e.g. X-Pomerium-Jwt-Assertion. */
  header: z.string().regex(/^[A-Za-z0-9-]+$/, 'expected an HTTP header name').optional(),
  subject_claim: claimPath.default('sub'),
  email_claim: claimPath.default('email'),
  groups_claim: claimPath.default('groups'),
  name_claim: claimPath.default('name'),
});

const keysSchema = z.strictObject({
  /** A revoked or expired key is refused on every replica within this delay (how long a lookup is cached). */
  revocation_delay: duration.prefault('10s'),
  /** The longest lifetime a personal key may have. */
  personal_max_lifetime: duration.prefault('24h'),
  /** The lifetime of a personal key when none is asked for. */
  personal_default_lifetime: duration.prefault('8h'),
});

const adminsSchema = z.strictObject({
  groups: z.array(z.string()).default([]),
  emails: z.array(z.string()).default([]),
});

const assertionSchema = z.strictObject({
  /** The ES256 private key (PEM) that signs assertions; generated and kept when missing. */
  signing_key_file: z.string().default('./data/assertion.pem'),
  /** More public or private keys (PEM) to publish in the JWKS, for rotation. */
  publish_key_files: z.array(z.string()).default([]),
  /** How long a signed assertion is valid. */
  lifetime: duration.prefault('5m'),
});

export const identitySchema = z.strictObject({
  oidc: oidcSchema.optional(),
  sessions: sessionsSchema.prefault({}),
  bearer: z.array(bearerIssuerSchema).default([]),
  keys: keysSchema.prefault({}),
  admins: adminsSchema.prefault({}),
  assertion: assertionSchema.prefault({}),
  /** Tolerated clock skew when checking `exp`, `nbf` and `iat`. */
  clock_tolerance: duration.prefault('30s'),
  /** Tokens larger than this are refused before any parsing. */
  max_token_size: z.number().int().positive().default(16_384),
});

export const redisSchema = z.strictObject({
  url: z.string().regex(/^rediss?:\/\//, 'expected redis://host:port or rediss://…'),
  /** Prefix of every key Gatehouse writes, so several gateways can share a Redis. */
  key_prefix: z.string().default('gatehouse:'),
});

export type IdentityConfig = z.output<typeof identitySchema>;
export type OidcConfig = NonNullable<IdentityConfig['oidc']>;
export type BearerIssuerConfig = IdentityConfig['bearer'][number];
export type RedisConfig = z.output<typeof redisSchema>;
