/** `authenticated_user: true` holds for any authenticated principal; `false` for the anonymous one. */
import { readBoolean } from '../scalars.js';
import type { Criterion } from './criterion.js';

export const authenticatedUser: Criterion = {
  name: 'authenticated_user',
  value: 'boolean',
  description: 'whether the caller presented a valid credential',
  compile(value, site) {
    const wanted = readBoolean(value, site) ?? true;
    return {
      test: (input) => input.principal.authenticated === wanted,
      expected: String(wanted),
      actual: (input) => (input.principal.authenticated ? 'the principal is authenticated' : 'the principal is anonymous'),
    };
  },
};
