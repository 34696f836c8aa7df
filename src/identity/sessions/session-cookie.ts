/**
 * The cookies of browser sign-in. Both are HttpOnly and SameSite=Lax (Lax, not Strict: the IdP's redirect back
 * to the callback is a cross-site top-level navigation and must carry the sign-in cookie). When the public URL is
 * https they are also Secure and carry the `__Host-` prefix, which makes the browser refuse them unless they are
 * Secure, have Path=/ and no Domain: a sibling subdomain cannot plant or overwrite them.
 */
import type { CookieSerializeOptions } from '@fastify/cookie';

export interface CookieSpec {
  name: string;
  options: CookieSerializeOptions;
}

export function isHttpsUrl(publicUrl: string): boolean {
  return new URL(publicUrl).protocol === 'https:';
}

/** The cookie `baseName` becomes at `publicUrl`; `maxAgeSeconds` undefined makes a browser-session cookie. */
export function cookieSpec(publicUrl: string, baseName: string, maxAgeSeconds?: number): CookieSpec {
  const secure = isHttpsUrl(publicUrl);
  return {
    name: secure ? `__Host-${baseName}` : baseName,
    options: { httpOnly: true, sameSite: 'lax', path: '/', secure, ...(maxAgeSeconds !== undefined && { maxAge: Math.max(0, Math.floor(maxAgeSeconds)) }) },
  };
}

/** Options that delete a cookie set with `spec`. */
export function clearingOptions(spec: CookieSpec): CookieSerializeOptions {
  return { ...spec.options, maxAge: 0, expires: new Date(0) };
}
