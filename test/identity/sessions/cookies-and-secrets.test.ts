import { describe, expect, it } from 'vitest';
import { SecretBox } from '../../../src/identity/sessions/secret-box.js';
import { clearingOptions, cookieSpec } from '../../../src/identity/sessions/session-cookie.js';

describe('session cookie attributes', () => {
  it('is HttpOnly, SameSite=Lax and Path=/ without Secure or a prefix on an http public URL', () => {
    expect(cookieSpec('http://localhost:4000', 'gatehouse_session', 60)).toEqual({ name: 'gatehouse_session', options: { httpOnly: true, sameSite: 'lax', path: '/', secure: false, maxAge: 60 } });
  });

  it('is also Secure and __Host- prefixed on an https public URL', () => {
    expect(cookieSpec('https://llm.example.com', 'gatehouse_session')).toEqual({ name: '__Host-gatehouse_session', options: { httpOnly: true, sameSite: 'lax', path: '/', secure: true } });
  });

  it('never sets a Domain (which __Host- forbids and which would share the cookie with sibling hosts)', () => {
    expect(cookieSpec('https://llm.example.com', 'x').options.domain).toBeUndefined();
  });

  it('clears with the same attributes', () => {
    expect(clearingOptions(cookieSpec('https://llm.example.com', 'x'))).toMatchObject({ path: '/', secure: true, maxAge: 0 });
  });
});

describe('SecretBox', () => {
  const box = SecretBox.fromSecret('a-test-secret-of-enough-length', 'purpose one');

  it('opens what it sealed, with a fresh IV each time', () => {
    const a = box.seal('refresh-token');
    expect(box.open(a)).toBe('refresh-token');
    expect(box.seal('refresh-token')).not.toBe(a);
  });

  it('refuses altered values, values sealed for another purpose or with another secret', () => {
    const sealed = box.seal('refresh-token');
    const raw = Buffer.from(sealed, 'base64url');
    raw[raw.length - 1]! ^= 1;
    expect(box.open(raw.toString('base64url'))).toBeUndefined();
    expect(SecretBox.fromSecret('a-test-secret-of-enough-length', 'purpose two').open(sealed)).toBeUndefined();
    expect(SecretBox.fromSecret('another-secret-of-enough-length', 'purpose one').open(sealed)).toBeUndefined();
    expect(box.open('')).toBeUndefined();
    expect(box.open('not base64 !!')).toBeUndefined();
  });
});
