/**
 * The browser sign-in endpoints:
 *   GET  /.gatehouse/sign_in?return_to=…   start a sign-in at the OpenID provider
 *   GET  /.gatehouse/callback              the provider's redirect back: code → tokens → session cookie
 *   GET|POST /.gatehouse/sign_out          end the session here, then at the provider when it supports it
 *   GET  /.gatehouse/me                    the caller's principal as JSON (401 JSON when signed out)
 * Failures show a short page (or JSON) and a 400; why they failed goes to the log only.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OidcClient } from '../oidc/oidc-client.js';
import { safeReturnTo } from '../oidc/return-to.js';
import { SIGN_IN_TTL_MS, type SignInAttempts } from '../oidc/sign-in-attempts.js';
import type { Principal } from '../principal.js';
import type { IdentitySnapshot } from '../sessions/identity-snapshot.js';
import type { BrowserSessions } from '../sessions/browser-sessions.js';
import { clearingOptions, cookieSpec, type CookieSpec } from '../sessions/session-cookie.js';
import { sendFailure, wantsHtml } from './sign-in-pages.js';

export interface SignInDeps {
  oidc: OidcClient;
  sessions: BrowserSessions;
  attempts: SignInAttempts;
  /** The gateway's public URL: `server.public_url`, or the URL it listens on. */
  publicUrl(): string;
  /** The session cookie's name before any `__Host-` prefix (`identity.sessions.cookie_name`). */
  cookieName: string;
  /** Told of every completed sign-in (the directory records the person). */
  onSignIn?: (identity: IdentitySnapshot) => Promise<void>;
}

export const SIGN_IN_PATH = '/.gatehouse/sign_in';
const CALLBACK_PATH = '/.gatehouse/callback';
const ATTEMPT_COOKIE = 'gatehouse_sign_in';

/** `path` under the public URL (which may itself have a path). */
export function publicPath(publicUrl: string, path: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${path}`;
}

/** The session cookie's attributes at this public URL. */
export function sessionCookieSpec(deps: Pick<SignInDeps, 'publicUrl' | 'cookieName'>, maxAgeSeconds?: number): CookieSpec {
  return cookieSpec(deps.publicUrl(), deps.cookieName, maxAgeSeconds);
}

export function registerSignInRoutes(app: FastifyInstance, deps: SignInDeps): void {
  app.get(SIGN_IN_PATH, (req, reply) => startSignIn(deps, req, reply));
  app.get(CALLBACK_PATH, (req, reply) => finishSignIn(app, deps, req, reply));
  app.get('/.gatehouse/sign_out', (req, reply) => signOut(app, deps, req, reply));
  app.post('/.gatehouse/sign_out', (req, reply) => signOut(app, deps, req, reply));
  app.get('/.gatehouse/me', (req, reply) => {
    if (!requireSignedIn(req, reply, { api: true })) return reply;
    return reply.header('cache-control', 'no-store').send(principalJson(req.principal!));
  });
}

/**
 * For routes only signed-in callers may use. Returns true when the request has an authenticated principal;
 * otherwise answers (a browser asking for HTML is sent to sign-in and back, anything else gets 401 JSON) and
 * returns false. `api: true` always answers 401 JSON.
 */
export function requireSignedIn(req: FastifyRequest, reply: FastifyReply, options: { api?: boolean } = {}): boolean {
  if (req.principal?.authenticated) return true;
  if (!options.api && req.method === 'GET' && wantsHtml(req)) {
    void reply.header('cache-control', 'no-store').redirect(`${SIGN_IN_PATH}?return_to=${encodeURIComponent(req.url)}`, 302);
    return false;
  }
  void reply
    .code(401)
    .header('cache-control', 'no-store')
    .send({ error: { message: 'Sign in first.', type: 'authentication_error', code: 'sign_in_required', sign_in_url: SIGN_IN_PATH } });
  return false;
}

/** requireSignedIn as a preHandler, for route options: `{ preHandler: signedInPreHandler }`. */
export async function signedInPreHandler(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  // An async hook that has answered returns the reply, which stops the route there.
  return requireSignedIn(req, reply) ? undefined : reply;
}

export function principalJson(principal: Principal): Record<string, unknown> {
  const { subject, email, name, groups, claims, authMethod, admin, keyId, team } = principal;
  return { subject, email: email ?? null, name: name ?? null, groups, claims, authMethod, admin, keyId: keyId ?? null, team: team ?? null };
}

async function startSignIn(deps: SignInDeps, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const publicUrl = deps.publicUrl();
  const returnTo = safeReturnTo((req.query as Record<string, unknown>).return_to, publicUrl);
  if (!deps.oidc.configuration()) {
    req.log.warn('sign-in requested before the OpenID provider was discovered');
    return sendFailure(req, reply, 503, 'Sign-in is not available yet', 'The identity provider cannot be reached right now. Try again in a moment.');
  }
  const { url, checks } = await deps.oidc.beginSignIn(publicPath(publicUrl, CALLBACK_PATH));
  await deps.attempts.save(checks, returnTo);
  const attempt = cookieSpec(publicUrl, ATTEMPT_COOKIE, SIGN_IN_TTL_MS / 1000);
  return reply.header('cache-control', 'no-store').setCookie(attempt.name, checks.state, attempt.options).redirect(url.href, 302);
}

async function finishSignIn(app: FastifyInstance, deps: SignInDeps, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const publicUrl = deps.publicUrl();
  const attempt = cookieSpec(publicUrl, ATTEMPT_COOKIE);
  const cookies = req.headers.cookie ? app.parseCookie(req.headers.cookie) : {};
  void reply.header('cache-control', 'no-store').clearCookie(attempt.name, clearingOptions(attempt));
  const fail = (reason: string, error?: unknown) => {
    req.log.info({ reason, ...(error !== undefined && { err: describeFailure(error) }) }, 'sign-in refused');
    return sendFailure(req, reply, 400, 'Sign-in failed', 'The sign-in could not be completed. Please start again.');
  };
  const state = (req.query as Record<string, unknown>).state;
  if (typeof state !== 'string' || state === '' || cookies[attempt.name] !== state) return fail('state does not match this browser');
  const pending = await deps.attempts.take(state);
  if (!pending) return fail('unknown, used or expired state');
  const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
  let result;
  try {
    result = await deps.oidc.finishSignIn(new URL(publicPath(publicUrl, CALLBACK_PATH) + query), pending.checks);
  } catch (error) {
    return fail('the provider response failed a check', error);
  }
  const session = sessionCookieSpec(deps);
  const { cookieValue, maxAgeSeconds } = await deps.sessions.create(result, cookies[session.name]);
  req.log.info({ subject: result.identity.subject }, 'signed in');
  await deps.onSignIn?.(result.identity);
  return reply.setCookie(session.name, cookieValue, sessionCookieSpec(deps, maxAgeSeconds).options).redirect(pending.returnTo, 302);
}

async function signOut(app: FastifyInstance, deps: SignInDeps, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const session = sessionCookieSpec(deps);
  const cookie = req.headers.cookie ? app.parseCookie(req.headers.cookie)[session.name] : undefined;
  const ended = cookie === undefined ? undefined : await deps.sessions.end(cookie);
  if (ended) req.log.info({ subject: req.principal?.subject }, 'signed out');
  void reply.header('cache-control', 'no-store').clearCookie(session.name, clearingOptions(session));
  const endSession = ended && deps.oidc.endSessionUrl(ended.idToken, publicPath(deps.publicUrl(), '/'));
  return reply.redirect(endSession ? endSession.href : '/', 303);
}


/** What a failed check was, for the log: openid-client's code and the claim at fault, never the values. */
function describeFailure(error: unknown): Record<string, unknown> {
  const { name, message, code } = error as { name?: string; message?: string; code?: unknown };
  // openid-client wraps oauth4webapi's error, whose own cause names the claim.
  let claim: unknown;
  for (let cause = (error as { cause?: unknown }).cause, depth = 0; cause && typeof cause === 'object' && depth < 3; cause = (cause as { cause?: unknown }).cause, depth++) {
    claim ??= (cause as { claim?: unknown }).claim;
  }
  return { type: name, message, ...(typeof code === 'string' && { code }), ...(typeof claim === 'string' && { claim }) };
}
