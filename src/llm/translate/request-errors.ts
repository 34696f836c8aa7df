/** The one way a translation rejects a request it cannot carry over faithfully: a 400 that names the field. */
import { GatehouseError } from '../../errors.js';

export function untranslatable(param: string, message: string): GatehouseError {
  return new GatehouseError('GH_ERR_BAD_REQUEST', message, { param });
}
