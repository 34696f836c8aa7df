/** The refusal a blocked person gets, whatever credential they present (session, JWT, or a key they own). */
import { GatehouseError } from '../errors.js';

export function blockedError(subject: string): GatehouseError {
  return new GatehouseError('GH_ERR_POLICY_DENIED', 'This user is blocked. Ask an administrator.', { detail: `blocked user: ${subject}` });
}
