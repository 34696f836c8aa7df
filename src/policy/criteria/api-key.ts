/** `api_key`: the public id of the API key used (never its secret); no key, no match. */
import { stringCriterion } from './string-criterion.js';

export const apiKey = stringCriterion({
  name: 'api_key',
  description: 'the id of the API key used',
  subject: 'API key id',
  read: (input) => input.principal.keyId,
});
