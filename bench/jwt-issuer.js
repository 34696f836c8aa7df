/**
 * A token issuer for the bench's JWT scenarios: an RS256 key pair (jose), its JWKS served over HTTP on 127.0.0.1,
 * and tokens signed with it. The gateway fetches the JWKS once (jose caches it) and verifies each distinct token
 * once, so this server sees one or two requests per scenario, never load.
 */
import { once } from 'node:events';
import http from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

/** The audience every bench token carries and every bench issuer accepts. */
export const AUDIENCE = 'gatehouse';
const ALGORITHM = 'RS256';
const KID = 'bench-1';

/**
 * @typedef {object} JwtIssuer
 * @property {string} issuer The `iss` of its tokens, also its base URL.
 * @property {string} jwksUrl
 * @property {(claims: Record<string, unknown>, lifetimeS: number) => Promise<string>} sign A token for `AUDIENCE`, valid from now for `lifetimeS`.
 * @property {() => Record<string, unknown>} bearerConfig The `identity.bearer` entry that trusts this issuer.
 * @property {() => Promise<void>} close
 */

/** @returns {Promise<JwtIssuer>} */
export async function startJwtIssuer() {
  const { privateKey, publicKey } = await generateKeyPair(ALGORITHM);
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: KID, alg: ALGORITHM, use: 'sig' }] });
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/jwks.json') res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
    else res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('the JWKS server has no address');
  const issuer = `http://127.0.0.1:${address.port}`;
  const jwksUrl = `${issuer}/jwks.json`;
  return {
    issuer,
    jwksUrl,
    sign: (claims, lifetimeS) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: ALGORITHM, kid: KID, typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + lifetimeS)
        .sign(privateKey),
    bearerConfig: () => ({ issuer, audiences: [AUDIENCE], jwks_url: jwksUrl, algorithms: [ALGORITHM] }),
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
