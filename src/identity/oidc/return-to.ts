/**
 * Where a browser may be sent after sign-in: a path on this gateway, or an absolute URL with exactly the public
 * URL's origin. Anything else (another origin, a scheme-relative `//host`, a backslash that browsers read as a
 * slash, a `javascript:` URL, control characters) falls back to `/`: sign-in is never an open redirect.
 */
const FALLBACK = '/';

export function safeReturnTo(value: unknown, publicUrl: string): string {
  if (typeof value !== 'string' || value === '' || value.length > 2048) return FALLBACK;
  // Browsers drop tabs and newlines inside URLs and treat "\" as "/", so "/\t/evil" and "/\evil" are "//evil".
  if (hasControlOrBackslash(value)) return FALLBACK;
  const origin = new URL(publicUrl).origin;
  if (value.startsWith('/')) {
    if (value.startsWith('//')) return FALLBACK;
    const resolved = parse(value, origin);
    return resolved?.origin === origin ? `${resolved.pathname}${resolved.search}${resolved.hash}` : FALLBACK;
  }
  const absolute = parse(value, undefined);
  if (!absolute || absolute.origin !== origin || absolute.username !== '' || absolute.password !== '') return FALLBACK;
  return absolute.href;
}

function parse(value: string, base: string | undefined): URL | undefined {
  try {
    return new URL(value, base);
  } catch {
    return undefined;
  }
}

function hasControlOrBackslash(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code <= 0x1f || code === 0x7f || code === 0x5c) return true;
  }
  return false;
}
