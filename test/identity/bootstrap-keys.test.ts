import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../src/identity/authenticate.js';
import { BootstrapKeys } from '../../src/identity/bootstrap-keys.js';
import { presentedCredential } from '../../src/identity/credentials.js';

describe('bootstrap keys', () => {
  const keys = new BootstrapKeys(['sk-admin-one', 'sk-admin-two', '', 'sk-admin-one']);

  it('ignores empty and duplicate keys', () => {
    expect(keys.size).toBe(2);
  });

  it('matches a configured key to an admin principal', () => {
    expect(keys.match('sk-admin-two')).toMatchObject({ authenticated: true, authMethod: 'bootstrap_key', admin: true, keyId: 'bootstrap-2' });
  });

  it.each(['sk-admin-on', 'sk-admin-one ', 'SK-ADMIN-ONE', '', 'sk-admin-one-and-more'])('rejects a near miss (%j)', (candidate) => {
    expect(keys.match(candidate)).toBeUndefined();
  });

  it('never keeps a key in clear', () => {
    expect(JSON.stringify(keys)).not.toContain('sk-admin');
  });
});

describe('credentials', () => {
  it('reads Authorization: Bearer (OpenAI SDKs) and x-api-key (Anthropic SDKs)', () => {
    expect(presentedCredential({ authorization: 'Bearer abc' })).toBe('abc');
    expect(presentedCredential({ authorization: 'bearer   abc ' })).toBe('abc');
    expect(presentedCredential({ 'x-api-key': 'xyz' })).toBe('xyz');
    expect(presentedCredential({})).toBeUndefined();
  });

  it('authenticates: anonymous without a credential, refused with a wrong one', () => {
    const authenticator = createAuthenticator(new BootstrapKeys(['sk-right']));
    expect(authenticator.authenticate({}).authenticated).toBe(false);
    expect(authenticator.authenticate({ 'x-api-key': 'sk-right' }).authenticated).toBe(true);
    expect(() => authenticator.authenticate({ authorization: 'Bearer sk-wrong' })).toThrow(expect.objectContaining({ code: 'GH_ERR_AUTH_INVALID' }));
  });
});
