/**
 * Cross-site request forgery defence for calls authenticated by the browser's session cookie. Such a call that
 * changes state must carry `X-Requested-By: gatehouse`: a cross-site form cannot send a custom header, and a
 * cross-site script can only with a CORS preflight, which Gatehouse never grants. (The header is not in the
 * `X-Gatehouse-*` namespace because the app strips those from every incoming request.) Calls authenticated by
 * `Authorization` or `x-api-key` need no such header: a browser never attaches those on its own.
 */
import type { FastifyRequest } from 'fastify';
import { GatehouseError } from '../errors.js';
import type { Principal } from '../identity/principal.js';

export const CSRF_HEADER = 'x-requested-by';
export const CSRF_HEADER_VALUE = 'gatehouse';

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

export function requireCsrfHeader(req: FastifyRequest, principal: Principal): void {
  if (principal.authMethod !== 'session' || SAFE_METHODS.has(req.method)) return;
  if (req.headers[CSRF_HEADER] === CSRF_HEADER_VALUE) return;
  throw new GatehouseError('GH_ERR_POLICY_DENIED', `Requests authenticated by a session cookie must carry the header "X-Requested-By: ${CSRF_HEADER_VALUE}".`);
}
