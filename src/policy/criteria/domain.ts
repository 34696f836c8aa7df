/** `domain`: the domain part of the principal's email address (`domain: { is: example.com }`), case-insensitive. */
import { rememberLast } from '../last-value.js';
import { stringCriterion } from './string-criterion.js';

const domainOf = rememberLast((email: string): string | undefined => {
  const at = email.lastIndexOf('@');
  return at < 0 ? undefined : email.slice(at + 1).toLowerCase();
});

export const domain = stringCriterion({
  name: 'domain',
  description: "the domain of the principal's email address (case-insensitive)",
  subject: 'principal email domain',
  read: (input) => (input.principal.email === undefined ? undefined : domainOf(input.principal.email)),
  options: { foldCase: true },
});
