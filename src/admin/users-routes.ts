/**
 * Admin API for users (people are created at their first sign-in, never here):
 *   GET    /admin/api/users              list (?team=, ?blocked=, ?email= prefix, ?cursor=, ?limit=)
 *   GET    /admin/api/users/:subject     one user
 *   PATCH  /admin/api/users/:subject     block or unblock (with a reason), set or clear limit and budget overrides
 * A block takes effect on this replica at once and on the others within the directory's cache time.
 */
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Directory } from '../directory/directory.js';
import { userJson } from '../directory/wire-json.js';
import { listUsersQuery, patchUserBody, userPathParams } from '../directory/wire-input.js';
import { GatehouseError } from '../errors.js';
import type { Database } from '../store/schema.js';
import { getUser, listUsers, updateUser, type StoredUser, type UserPatch } from '../store/users.js';
import { parseInput } from './parse-input.js';
import { adminOnly } from './require-admin.js';

export interface UserRoutesDeps {
  db: Kysely<Database>;
  directory: Directory;
  clock?: () => number;
}

export function registerUserRoutes(app: FastifyInstance, deps: UserRoutesDeps): void {
  const { db, directory } = deps;
  const guarded = { onRequest: adminOnly };

  app.get('/admin/api/users', guarded, async (req) => {
    const query = parseInput(listUsersQuery, req.query, 'query');
    const page = await listUsers(db, { team: query.team, blocked: query.blocked, emailPrefix: query.email, after: query.cursor, limit: query.limit });
    return { object: 'list', data: page.users.map(userJson), next_cursor: page.nextCursor ?? null };
  });

  app.get('/admin/api/users/:subject', guarded, async (req) => {
    const { subject } = parseInput(userPathParams, req.params, 'path');
    return userJson(await existing(db, subject));
  });

  app.patch('/admin/api/users/:subject', guarded, async (req) => {
    const { subject } = parseInput(userPathParams, req.params, 'path');
    const body = parseInput(patchUserBody, req.body, 'request body');
    const current = await existing(db, subject);
    const patch: UserPatch = { limits: body.limits, budgets: body.budgets };
    // Blocking a blocked user keeps the first time; a new reason replaces the old one.
    if (body.blocked === true) patch.blocked = { at: current.blocked?.at ?? new Date((deps.clock ?? Date.now)()), reason: body.reason ?? current.blocked?.reason ?? '' };
    if (body.blocked === false) patch.blocked = null;
    await updateUser(db, subject, patch);
    directory.forgetUser(subject);
    return userJson(await existing(db, subject));
  });
}

async function existing(db: Kysely<Database>, subject: string): Promise<StoredUser> {
  const user = await getUser(db, subject);
  if (!user) throw new GatehouseError('GH_ERR_NOT_FOUND', `No user with subject "${subject.slice(0, 100)}": people appear here after their first sign-in.`);
  return user;
}
