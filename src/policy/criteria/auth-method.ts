/** `auth_method`: how the principal authenticated: none, bootstrap_key, virtual_key, personal_key, jwt or session. */
import type { AuthMethod } from '../../identity/principal.js';
import { stringCriterion } from './string-criterion.js';

const METHODS: readonly AuthMethod[] = ['none', 'bootstrap_key', 'virtual_key', 'personal_key', 'jwt', 'session'];

export const authMethod = stringCriterion({
  name: 'auth_method',
  description: 'how the caller authenticated',
  subject: 'auth method',
  read: (input) => input.principal.authMethod,
  options: { known: METHODS },
});
