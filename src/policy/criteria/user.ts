/** `user`: the principal's stable subject (the JWT `sub`, the key owner, or `key:<id>`). */
import { stringCriterion } from './string-criterion.js';

export const user = stringCriterion({
  name: 'user',
  description: "the principal's subject",
  subject: 'principal subject',
  read: (input) => input.principal.subject,
});
