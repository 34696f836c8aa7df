/** `email`: the principal's email address, compared without regard to case. */
import { rememberLast } from '../last-value.js';
import { stringCriterion } from './string-criterion.js';

const lowerCase = rememberLast((email: string) => email.toLowerCase());

export const email = stringCriterion({
  name: 'email',
  description: "the principal's email address (case-insensitive)",
  subject: 'principal email',
  read: (input) => (input.principal.email === undefined ? undefined : lowerCase(input.principal.email)),
  options: { foldCase: true },
});
