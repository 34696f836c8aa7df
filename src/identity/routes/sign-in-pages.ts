/** The few pages of sign-in: a failure (HTML for browsers, JSON for programs) and the CLI's "done" page. */
import type { FastifyReply, FastifyRequest } from 'fastify';

export function wantsHtml(req: FastifyRequest): boolean {
  return (req.headers.accept ?? '').includes('text/html');
}

export function htmlPage(title: string, message: string, link?: { href: string; text: string }): string {
  const action = link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a></p>` : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · Gatehouse</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}</style></head>
<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>${action}</body></html>`;
}

/** A failure the caller can read but that says nothing about which check failed. */
export function sendFailure(req: FastifyRequest, reply: FastifyReply, status: number, title: string, message: string): FastifyReply {
  void reply.code(status).header('cache-control', 'no-store');
  if (status === 503) void reply.header('retry-after', '5');
  if (wantsHtml(req)) return reply.type('text/html; charset=utf-8').send(htmlPage(title, message, { href: '/.gatehouse/sign_in', text: 'Sign in again' }));
  return reply.send({ error: { message: `${title}. ${message}`, type: status === 503 ? 'api_error' : 'invalid_request_error', code: status === 503 ? 'sign_in_unavailable' : 'sign_in_failed' } });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
