import { describe, expect, it } from 'vitest';
import { AdminRule } from '../../src/identity/admins.js';
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

  it('authenticates: anonymous without a credential, refused with a wrong one', async () => {
    const authenticator = createAuthenticator({ bootstrapKeys: new BootstrapKeys(['sk-right']), admins: new AdminRule({ groups: [], emails: [] }) });
    const input = (headers: Record<string, string>) => ({ headers, cookies: undefined });
    expect((await authenticator.authenticate(input({}))).authenticated).toBe(false);
    expect((await authenticator.authenticate(input({ 'x-api-key': 'sk-right' }))).authenticated).toBe(true);
    await expect(authenticator.authenticate(input({ authorization: 'Bearer sk-wrong' }))).rejects.toMatchObject({ code: 'GH_ERR_AUTH_INVALID' });
  });
});
