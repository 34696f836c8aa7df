import { describe, expect, it } from 'vitest';
import { claimAt, identityFromClaims } from '../../../src/identity/oidc/claim-mapping.js';

const PATHS = { email_claim: 'email', name_claim: 'name', groups_claim: 'groups' };

describe('claim mapping', () => {
  it('reads nested paths, and a dotted top-level name before a path', () => {
    const claims = { realm_access: { roles: ['a', 'b'] }, 'https://example.com/groups': ['x'], 'a.b': 1, a: { b: 2 } };
    expect(claimAt(claims, 'realm_access.roles')).toEqual(['a', 'b']);
    expect(claimAt(claims, 'https://example.com/groups')).toEqual(['x']);
    expect(claimAt(claims, 'a.b')).toBe(1);
    expect(claimAt(claims, 'missing.path')).toBeUndefined();
  });

  it('maps email, name and groups (a string or a list) and drops protocol claims', () => {
    const identity = identityFromClaims({ sub: 's1', email: 'a@example.com', name: 'A', groups: 'admins', nonce: 'n', at_hash: 'h', exp: 1, department: 'legal' }, PATHS);
    expect(identity).toEqual({ subject: 's1', email: 'a@example.com', name: 'A', groups: ['admins'], claims: { sub: 's1', email: 'a@example.com', name: 'A', groups: 'admins', department: 'legal' } });
    expect(identityFromClaims({ sub: 's', roles: { list: ['x', 3, 'y'] } }, { ...PATHS, groups_claim: 'roles.list' }).groups).toEqual(['x', 'y']);
  });

  it('refuses claims without a subject', () => {
    expect(() => identityFromClaims({ email: 'a@example.com' }, PATHS)).toThrow(/subject/);
  });
});
