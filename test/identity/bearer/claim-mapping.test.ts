import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimAt, groupsOf, identityOf } from '../../../src/identity/bearer/claim-mapping.js';
import { createTokenVerifier } from '../../../src/identity/bearer/index.js';
import { CredentialError } from '../../../src/identity/credential-error.js';
import { bearerConfig, TestIdp } from '../../support/jwt-issuer.js';

const DEFAULT_PATHS = { subject: 'sub', email: 'email', name: 'name', groups: 'groups' };

describe('claim paths', () => {
  const claims = {
    sub: 'alice',
    realm_access: { roles: ['ml-senior', 'offline_access'] },
    resource_access: { 'llm.example.com': { roles: ['caller'] } },
    'https://example.com/groups': ['from-url-claim'],
    'cognito:groups': ['from-colon-claim'],
    'a.b': 'whole name wins',
    a: { b: 'nested loses' },
    list: ['not', 'an', 'object'],
  };

  it.each([
    ['sub', 'alice'],
    ['realm_access.roles', ['ml-senior', 'offline_access']],
    ['resource_access.llm.example.com.roles', ['caller']],
    ['https://example.com/groups', ['from-url-claim']],
    ['cognito:groups', ['from-colon-claim']],
    ['a.b', 'whole name wins'],
    ['realm_access.missing', undefined],
    ['list.0', undefined],
    ['sub.length', undefined],
    ['__proto__', undefined],
    ['constructor', undefined],
    ['realm_access.__proto__', undefined],
  ])('%s', (path, expected) => {
    expect(claimAt(claims, path)).toEqual(expected);
  });

  it('reads an own __proto__ claim (as JSON.parse makes it) without reaching the prototype', () => {
    const parsed = JSON.parse('{"__proto__": {"groups": ["evil"]}, "groups": ["good"]}') as Record<string, unknown>;
    expect(claimAt(parsed, '__proto__.groups')).toEqual(['evil']);
    expect(claimAt({}, '__proto__.groups')).toBeUndefined();
  });
});

describe('groups', () => {
  it.each([
    ['a list of strings', ['a', 'b'], ['a', 'b']],
    ['a string, as one group', 'ML Team', ['ML Team']],
    ['a list with non-strings', ['a', 1, null, { b: 1 }, ['c'], '', 'd'], ['a', 'd']],
    ['an empty string', '', []],
    ['a number', 7, []],
    ['an object', { admins: true }, []],
    ['nothing', undefined, []],
  ])('from %s', (_name, value, expected) => {
    expect(groupsOf(value)).toEqual(expected);
  });
});

describe('identity of a payload', () => {
  it('maps subject, email, name and groups, keeps all claims, and freezes the result', () => {
    const identity = identityOf('https://idp', { sub: 'u1', email: 'u1@example.com', name: 'U One', groups: 'solo', exp: 99, department: 'research' }, DEFAULT_PATHS);
    expect(identity).toEqual({
      issuer: 'https://idp',
      subject: 'u1',
      email: 'u1@example.com',
      name: 'U One',
      groups: ['solo'],
      claims: { sub: 'u1', email: 'u1@example.com', name: 'U One', groups: 'solo', exp: 99, department: 'research' },
      expiresAt: 99,
    });
    expect(Object.isFrozen(identity) && Object.isFrozen(identity.groups) && Object.isFrozen(identity.claims)).toBe(true);
  });

  it('ignores an email or name that is not a string', () => {
    expect(identityOf('i', { sub: 's', email: ['a@b'], name: 5 }, DEFAULT_PATHS)).toMatchObject({ email: undefined, name: undefined, groups: [] });
  });

  it('requires a string subject at the configured path', () => {
    expect(() => identityOf('i', { sub: 's' }, { ...DEFAULT_PATHS, subject: 'oid' })).toThrow(CredentialError);
    expect(identityOf('i', { oid: 'object-id', sub: 's' }, { ...DEFAULT_PATHS, subject: 'oid' }).subject).toBe('object-id');
  });
});

describe('claim mapping from config, end to end', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await TestIdp.start({ alg: 'ES256' });
  });
  afterAll(async () => idp.close());

  it('maps nested and URL-named claims as configured', async () => {
    const verifier = createTokenVerifier(
      bearerConfig([
        {
          issuer: idp.issuer,
          audiences: ['gatehouse'],
          jwks_url: idp.jwksUrl,
          groups_claim: 'realm_access.roles',
          email_claim: 'https://example.com/email',
          name_claim: 'preferred_username',
          subject_claim: 'oid',
        },
      ]),
      { clockToleranceMs: 0, maxTokenSize: 8192 },
    );
    const token = await idp.sign({
      oid: 'object-1',
      realm_access: { roles: ['ml-senior', 7] },
      'https://example.com/email': 'alice@example.com',
      preferred_username: 'alice',
      groups: ['not-the-configured-claim'],
    });
    expect(await verifier.verify(token, 'authorization')).toMatchObject({
      subject: 'object-1',
      email: 'alice@example.com',
      name: 'alice',
      groups: ['ml-senior'],
      claims: { sub: 'alice', groups: ['not-the-configured-claim'] },
    });
  });
});
