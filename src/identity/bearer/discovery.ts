/**
 * OIDC discovery of an issuer's JWKS: `GET <issuer>/.well-known/openid-configuration`, whose `issuer` must be the
 * configured issuer exactly (OpenID Connect Discovery 1.0, section 4.3), so a document served elsewhere cannot
 * point Gatehouse at someone else's keys.
 */
import { CredentialError } from '../credential-error.js';

export function discoveryUrl(issuer: string): URL {
  return new URL(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`);
}

async function fetchDocument(url: URL, timeoutMs: number): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
  } catch (error) {
    throw new CredentialError('jwks_unavailable', `discovery at ${url.href} failed: ${(error as Error).message}`, { cause: error });
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new CredentialError('jwks_unavailable', `discovery at ${url.href} answered HTTP ${response.status}`);
  }
  try {
    return await response.json();
  } catch (error) {
    throw new CredentialError('jwks_unavailable', `discovery at ${url.href} returned no JSON`, { cause: error });
  }
}

/** The issuer's `jwks_uri`. Throws CredentialError (`jwks_unavailable`). */
export async function discoverJwksUrl(issuer: string, timeoutMs: number): Promise<URL> {
  const url = discoveryUrl(issuer);
  const document = await fetchDocument(url, timeoutMs);
  if (typeof document !== 'object' || document === null) {
    throw new CredentialError('jwks_unavailable', `discovery at ${url.href} returned no JSON object`);
  }
  const { issuer: named, jwks_uri: jwksUri } = document as { issuer?: unknown; jwks_uri?: unknown };
  if (named !== issuer) {
    throw new CredentialError('jwks_unavailable', `discovery at ${url.href} names issuer ${JSON.stringify(named)}, not ${issuer}`);
  }
  if (typeof jwksUri !== 'string' || !URL.canParse(jwksUri) || !/^https?:$/.test(new URL(jwksUri).protocol)) {
    throw new CredentialError('jwks_unavailable', `discovery at ${url.href} has no usable jwks_uri`);
  }
  return new URL(jwksUri);
}
