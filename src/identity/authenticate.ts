/**
 * The authenticate stage: credentials → Principal. Today the only credentials are the bootstrap keys; sessions,
 * bearer JWTs and virtual keys plug in here. A request with no credential is anonymous (policy decides what an
 * anonymous caller may do); a request with a credential that matches nothing is refused outright.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { GatehouseError } from '../errors.js';
import type { BootstrapKeys } from './bootstrap-keys.js';
import { presentedCredential } from './credentials.js';
import { ANONYMOUS, type Principal } from './principal.js';

export interface Authenticator {
  authenticate(headers: IncomingHttpHeaders): Principal;
}

export function createAuthenticator(bootstrapKeys: BootstrapKeys): Authenticator {
  return {
    authenticate(headers) {
      const credential = presentedCredential(headers);
      if (credential === undefined) return ANONYMOUS;
      const principal = bootstrapKeys.match(credential);
      if (!principal) throw new GatehouseError('GH_ERR_AUTH_INVALID', undefined, { detail: 'no bootstrap key matches the presented credential' });
      return principal;
    },
  };
}
