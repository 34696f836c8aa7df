/**
 * Headers on every console response. The CSP allows only the console's own bundled scripts, styles, images,
 * fonts and API calls: no inline script or style, no other origin, no plugins, no framing, no `<base>`, and
 * forms post only here. The page is never framed (clickjacking), types are never sniffed, and other sites are
 * never sent console URLs as referrers.
 */
import type { FastifyReply } from 'fastify';

export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const CONSOLE_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': CONSOLE_CSP,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
});

export function setConsoleSecurityHeaders(reply: FastifyReply): void {
  void reply.headers(CONSOLE_SECURITY_HEADERS);
}
