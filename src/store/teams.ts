/**
 * The `teams` and `team_members` repository. JSON columns (allowed models, limits, budgets, metadata) are written
 * and read here only. A team's members are subjects; they need not have signed in yet.
 */
import type { Kysely, Selectable, Updateable } from 'kysely';
import type { BudgetPeriod } from '../policy/obligations.js';
import type { Database, TeamsTable } from './schema.js';

/** A rate limit without its bucket: the owner (team or user) says which bucket it counts in. */
export interface LimitSpec {
  rpm?: number;
  tpm?: number;
  concurrent?: number;
}

export interface BudgetSpec {
  usd: number;
  period: BudgetPeriod;
}

export interface StoredTeam {
  id: string;
  name: string;
  /** Subjects, sorted. */
  members: string[];
  /** Undefined: every model. */
  allowedModels: string[] | undefined;
  limits: LimitSpec[];
  budgets: BudgetSpec[];
  metadata: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

export type NewTeam = Omit<StoredTeam, 'members' | 'updatedAt'>;

/** Fields to change; `allowedModels: null` means every model again. */
export interface TeamPatch {
  name?: string;
  allowedModels?: string[] | null;
  limits?: LimitSpec[];
  budgets?: BudgetSpec[];
  metadata?: Record<string, unknown>;
}

const MAX_TEAMS_LISTED = 1000;

/** Inserts a team; false when a team with this id exists already. */
export async function insertTeam(db: Kysely<Database>, team: NewTeam): Promise<boolean> {
  const result = await db
    .insertInto('teams')
    .values({
      id: team.id,
      name: team.name,
      allowed_models: team.allowedModels === undefined ? null : JSON.stringify(team.allowedModels),
      limits: JSON.stringify(team.limits),
      budgets: JSON.stringify(team.budgets),
      metadata: JSON.stringify(team.metadata),
      created_at: team.createdAt.getTime(),
      updated_at: team.createdAt.getTime(),
    })
    .onConflict((conflict) => conflict.column('id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function getTeam(db: Kysely<Database>, id: string): Promise<StoredTeam | undefined> {
  const row = await db.selectFrom('teams').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  return fromRow(row, await membersOf(db, [id]));
}

/** Every team (at most 1000), by id. */
export async function listTeams(db: Kysely<Database>): Promise<StoredTeam[]> {
  const rows = await db.selectFrom('teams').selectAll().orderBy('id').limit(MAX_TEAMS_LISTED).execute();
  if (rows.length === 0) return [];
  const members = await membersOf(db, rows.map((row) => row.id));
  return rows.map((row) => fromRow(row, members));
}

export async function teamExists(db: Kysely<Database>, id: string): Promise<boolean> {
  return (await db.selectFrom('teams').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

/** Applies `patch`; the team as it now stands, or undefined when there is no such team. */
export async function updateTeam(db: Kysely<Database>, id: string, patch: TeamPatch, at: Date): Promise<StoredTeam | undefined> {
  const set: Updateable<TeamsTable> = { updated_at: at.getTime() };
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.allowedModels !== undefined) set.allowed_models = patch.allowedModels === null ? null : JSON.stringify(patch.allowedModels);
  if (patch.limits !== undefined) set.limits = JSON.stringify(patch.limits);
  if (patch.budgets !== undefined) set.budgets = JSON.stringify(patch.budgets);
  if (patch.metadata !== undefined) set.metadata = JSON.stringify(patch.metadata);
  await db.updateTable('teams').set(set).where('id', '=', id).execute();
  return getTeam(db, id);
}

/** Deletes a team and its memberships together; false when there was no such team. */
export async function deleteTeam(db: Kysely<Database>, id: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await trx.deleteFrom('team_members').where('team_id', '=', id).execute();
    const result = await trx.deleteFrom('teams').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  });
}

/** Adds a member; false when they were one already (their first `added_at` is kept). */
export async function addTeamMember(db: Kysely<Database>, teamId: string, subject: string, at: Date): Promise<boolean> {
  const result = await db
    .insertInto('team_members')
    .values({ team_id: teamId, subject, added_at: at.getTime() })
    .onConflict((conflict) => conflict.columns(['team_id', 'subject']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/** Removes a member; false when they were not one. */
export async function removeTeamMember(db: Kysely<Database>, teamId: string, subject: string): Promise<boolean> {
  const result = await db.deleteFrom('team_members').where('team_id', '=', teamId).where('subject', '=', subject).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** Team ids of the subjects given, each list in the order they joined (ties by id). */
export async function teamsOfSubjects(db: Kysely<Database>, subjects: readonly string[]): Promise<Map<string, string[]>> {
  const teams = new Map<string, string[]>(subjects.map((subject) => [subject, []]));
  if (subjects.length === 0) return teams;
  const rows = await db
    .selectFrom('team_members')
    .select(['subject', 'team_id'])
    .where('subject', 'in', [...subjects])
    .orderBy('added_at')
    .orderBy('team_id')
    .execute();
  for (const row of rows) teams.get(row.subject)?.push(row.team_id);
  return teams;
}

async function membersOf(db: Kysely<Database>, teamIds: readonly string[]): Promise<Map<string, string[]>> {
  const rows = await db.selectFrom('team_members').select(['team_id', 'subject']).where('team_id', 'in', [...teamIds]).orderBy('subject').execute();
  const members = new Map<string, string[]>();
  for (const row of rows) {
    const list = members.get(row.team_id);
    if (list) list.push(row.subject);
    else members.set(row.team_id, [row.subject]);
  }
  return members;
}

function fromRow(row: Selectable<TeamsTable>, members: ReadonlyMap<string, string[]>): StoredTeam {
  return {
    id: row.id,
    name: row.name,
    members: members.get(row.id) ?? [],
    allowedModels: row.allowed_models === null ? undefined : (JSON.parse(row.allowed_models) as string[]),
    limits: JSON.parse(row.limits) as LimitSpec[],
    budgets: JSON.parse(row.budgets) as BudgetSpec[],
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}
