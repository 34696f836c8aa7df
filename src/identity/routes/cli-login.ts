/**
 * The gateway's half of `gatehouse login` (a loopback redirect, as `gcloud auth login` does):
 *   GET  /.gatehouse/cli_login?port=P&state=S&code_challenge=C
 *        the browser, signed in (or sent through sign-in and back), is redirected to
 *        http://127.0.0.1:P/callback?code=ONE_TIME_CODE&state=S — never with a key in the URL;
 *   POST /.gatehouse/api/cli_token  {code, code_verifier}
 *        the CLI exchanges the code (single use, two minutes, bound to its PKCE challenge) for a personal key
 *        minted for the person who signed in.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AdminRule } from '../admins.js';
import type { VirtualKeys } from '../keys/index.js';
import type { CliLoginCodes } from '../sessions/cli-login-codes.js';
import { principalOfSnapshot } from '../sessions/identity-snapshot.js';
import { sendFailure } from './sign-in-pages.js';
import { requireSignedIn } from './sign-in.js';

/** What mints personal keys. */
export type PersonalKeyMinter = Pick<VirtualKeys, 'createPersonalKey'>;

export interface CliLoginDeps {
  codes: CliLoginCodes;
  /** Undefined when personal keys are not available (no `secret`): the exchange then answers 503. */
  keys(): PersonalKeyMinter | undefined;
  admins(): AdminRule;
  publicUrl(): string;
}

const STATE = /^[A-Za-z0-9_-]{16,128}$/;
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

export function registerCliLoginRoutes(app: FastifyInstance, deps: CliLoginDeps): void {
  app.get('/.gatehouse/cli_login', (req, reply) => handOff(deps, req, reply));
  app.post('/.gatehouse/api/cli_token', (req, reply) => exchange(deps, req, reply));
}

async function handOff(deps: CliLoginDeps, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const query = req.query as Record<string, unknown>;
  const port = Number(query.port);
  const { state, code_challenge: challenge } = query;
  if (!Number.isInteger(port) || port < 1024 || port > 65_535 || typeof state !== 'string' || !STATE.test(state) || typeof challenge !== 'string' || !CHALLENGE.test(challenge)) {
    return sendFailure(req, reply, 400, 'Command-line sign-in failed', 'The sign-in link is malformed. Run gatehouse login again.');
  }
  // Only a browser session may hand a key to the CLI: a key or token presented by some program may not.
  if (req.principal?.authMethod !== 'session') {
    req.principal = undefined;
    if (!requireSignedIn(req, reply)) return reply;
  }
  const { subject, email, name, groups, claims } = req.principal!;
  const code = await deps.codes.issue({ subject, email, name, groups, claims }, challenge);
  req.log.info({ subject }, 'command-line sign-in approved');
  const target = new URL(`http://127.0.0.1:${port}/callback`);
  target.searchParams.set('code', code);
  target.searchParams.set('state', state);
  return reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').redirect(target.href, 302);
}

async function exchange(deps: CliLoginDeps, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  void reply.header('cache-control', 'no-store');
  const body = (req.body ?? {}) as Record<string, unknown>;
  const { code, code_verifier: verifier } = body;
  const refuse = (reason: string) => {
    req.log.info({ reason }, 'command-line sign-in exchange refused');
    return reply.code(400).send({ error: { message: 'The login code is invalid, used or expired. Run gatehouse login again.', type: 'invalid_request_error', code: 'invalid_grant' } });
  };
  if (typeof code !== 'string' || code.length > 128 || typeof verifier !== 'string' || !VERIFIER.test(verifier)) return refuse('malformed exchange');
  const identity = await deps.codes.redeem(code, verifier);
  if (!identity) return refuse('unknown, used or expired code, or a verifier that does not match');
  const keys = deps.keys();
  if (!keys) {
    return reply.code(503).send({ error: { message: 'Personal keys are not available on this gateway.', type: 'api_error', code: 'personal_keys_unavailable' } });
  }
  const principal = principalOfSnapshot(identity, deps.admins());
  const { key, record } = await keys.createPersonalKey(principal, { name: 'gatehouse login' });
  req.log.info({ subject: identity.subject, keyId: record.id }, 'personal key issued to the command line');
  const expiresAt = record.expiresAt?.toISOString() ?? null;
  return reply.send({ api_key: key, key_id: record.id, expires_at: expiresAt, subject: identity.subject, email: identity.email ?? null, base_url: deps.publicUrl() });
}
