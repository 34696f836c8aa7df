/**
 * Admin API for teams:
 *   GET    /admin/api/teams                          list
 *   POST   /admin/api/teams                          create
 *   GET    /admin/api/teams/:id                      one team
 *   PATCH  /admin/api/teams/:id                      change name, allowed models, limits, budgets, metadata
 *   DELETE /admin/api/teams/:id                      delete (with its memberships)
 *   POST   /admin/api/teams/:id/members              add a member
 *   DELETE /admin/api/teams/:id/members/:subject     remove a member
 * Every change is forgotten from this replica's directory cache at once; other replicas see it within the
 * directory's cache time.
 */
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Directory } from '../directory/directory.js';
import { teamJson } from '../directory/wire-json.js';
import { addMemberBody, createTeamBody, memberPathParams, patchTeamBody, teamPathParams } from '../directory/wire-input.js';
import { GatehouseError } from '../errors.js';
import type { Database } from '../store/schema.js';
import { addTeamMember, deleteTeam, getTeam, insertTeam, listTeams, removeTeamMember, updateTeam, type StoredTeam } from '../store/teams.js';
import { parseInput } from './parse-input.js';
import { adminOnly } from './require-admin.js';

export interface TeamRoutesDeps {
  db: Kysely<Database>;
  directory: Directory;
  clock?: () => number;
}

export function registerTeamRoutes(app: FastifyInstance, deps: TeamRoutesDeps): void {
  const { db, directory } = deps;
  const now = () => new Date((deps.clock ?? Date.now)());
  const guarded = { onRequest: adminOnly };

  app.get('/admin/api/teams', guarded, async () => ({ object: 'list', data: (await listTeams(db)).map(teamJson) }));

  app.post('/admin/api/teams', guarded, async (req, reply) => {
    const body = parseInput(createTeamBody, req.body, 'request body');
    const at = now();
    const created = await db.transaction().execute(async (trx) => {
      const inserted = await insertTeam(trx, { id: body.id, name: body.name ?? body.id, allowedModels: body.allowed_models ?? undefined, limits: body.limits ?? [], budgets: body.budgets ?? [], metadata: body.metadata ?? {}, createdAt: at });
      if (inserted) for (const subject of new Set(body.members)) await addTeamMember(trx, body.id, subject, at);
      return inserted;
    });
    if (!created) throw new GatehouseError('GH_ERR_BAD_REQUEST', `Invalid request body: id: a team with id "${body.id}" already exists.`, { param: 'id' });
    directory.forgetTeam(body.id);
    return reply.code(201).send(teamJson(await existing(db, body.id)));
  });

  app.get('/admin/api/teams/:id', guarded, async (req) => {
    const { id } = parseInput(teamPathParams, req.params, 'path');
    return teamJson(await existing(db, id));
  });

  app.patch('/admin/api/teams/:id', guarded, async (req) => {
    const { id } = parseInput(teamPathParams, req.params, 'path');
    const body = parseInput(patchTeamBody, req.body, 'request body');
    const team = await updateTeam(db, id, { name: body.name, allowedModels: body.allowed_models, limits: body.limits, budgets: body.budgets, metadata: body.metadata }, now());
    if (!team) throw noSuchTeam(id);
    directory.forgetTeam(id);
    return teamJson(team);
  });

  app.delete('/admin/api/teams/:id', guarded, async (req) => {
    const { id } = parseInput(teamPathParams, req.params, 'path');
    if (!(await deleteTeam(db, id))) throw noSuchTeam(id);
    directory.forgetTeam(id);
    return { object: 'team', id, deleted: true };
  });

  app.post('/admin/api/teams/:id/members', guarded, async (req, reply) => {
    const { id } = parseInput(teamPathParams, req.params, 'path');
    const { subject } = parseInput(addMemberBody, req.body, 'request body');
    await existing(db, id);
    const added = await addTeamMember(db, id, subject, now());
    directory.forgetTeam(id);
    return reply.code(added ? 201 : 200).send(teamJson(await existing(db, id)));
  });

  app.delete('/admin/api/teams/:id/members/:subject', guarded, async (req) => {
    const { id, subject } = parseInput(memberPathParams, req.params, 'path');
    await existing(db, id);
    if (!(await removeTeamMember(db, id, subject))) throw new GatehouseError('GH_ERR_NOT_FOUND', `"${subject.slice(0, 100)}" is not a member of team "${id}".`);
    directory.forgetTeam(id);
    return teamJson(await existing(db, id));
  });
}

async function existing(db: Kysely<Database>, id: string): Promise<StoredTeam> {
  const team = await getTeam(db, id);
  if (!team) throw noSuchTeam(id);
  return team;
}

function noSuchTeam(id: string): GatehouseError {
  return new GatehouseError('GH_ERR_NOT_FOUND', `No team with id "${id}".`);
}
