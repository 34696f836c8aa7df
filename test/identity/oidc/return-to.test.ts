import { describe, expect, it } from 'vitest';
import { safeReturnTo } from '../../../src/identity/oidc/return-to.js';

const PUBLIC = 'https://llm.example.com';

describe('safeReturnTo', () => {
  it.each([
    ['/ui/', '/ui/'],
    ['/.gatehouse/me', '/.gatehouse/me'],
    ['/ui/keys?tab=personal#new', '/ui/keys?tab=personal#new'],
    ['/a/../b', '/b'],
    ['https://llm.example.com/ui/', 'https://llm.example.com/ui/'],
    ['https://llm.example.com:443/ui/', 'https://llm.example.com/ui/'],
  ])('keeps same-origin %j', (input, expected) => {
    expect(safeReturnTo(input, PUBLIC)).toBe(expected);
  });

  it.each([
    ['another origin', 'https://evil.example/'],
    ['a look-alike host', 'https://llm.example.com.evil.example/'],
    ['the same host over http', 'http://llm.example.com/ui/'],
    ['another port', 'https://llm.example.com:8443/ui/'],
    ['credentials in the URL', 'https://user:pass@llm.example.com/'],
    ['scheme-relative', '//evil.example/'],
    ['scheme-relative with three slashes', '///evil.example/'],
    ['backslash', '/\\evil.example/'],
    ['backslashes only', '\\\\evil.example'],
    ['tab inside', '/\t/evil.example/'],
    ['newline inside', '/\n/evil.example'],
    ['javascript:', 'javascript:alert(1)'],
    ['JavaScript: mixed case', 'JaVaScRiPt:alert(1)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['a relative path without a slash', 'evil.example'],
    ['a bare scheme', 'https:evil.example'],
    ['empty', ''],
    ['too long', `/${'a'.repeat(3000)}`],
  ])('falls back to / for %s', (_name, input) => {
    expect(safeReturnTo(input, PUBLIC)).toBe('/');
  });

  it.each([[undefined], [42], [['/ui/']], [{ url: '/ui/' }]])('falls back to / for a non-string %j', (input) => {
    expect(safeReturnTo(input, PUBLIC)).toBe('/');
  });

  it('compares with the public URL origin even when it has a path', () => {
    expect(safeReturnTo('https://llm.example.com/other', 'https://llm.example.com/gateway')).toBe('https://llm.example.com/other');
    expect(safeReturnTo('http://localhost:4000/ui/', 'http://localhost:4000')).toBe('http://localhost:4000/ui/');
  });
});
