/**
 * The `users` repository: people as Gatehouse has seen them. A row is created at a person's first sign-in and
 * refreshed (email, name, groups, last seen) as they come back; administrators block and unblock people and set
 * their limit and budget overrides. Team memberships live in `team_members` and are joined in here.
 */
import { sql, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { Database, UsersTable } from './schema.js';
import { teamsOfSubjects, type BudgetSpec, type LimitSpec } from './teams.js';

export interface StoredUser {
  subject: string;
  email: string | undefined;
  name: string | undefined;
  groups: string[];
  /** Team ids, in the order the user joined them. */
  teams: string[];
  createdAt: Date;
  lastSeenAt: Date;
  /** Undefined unless blocked. */
  blocked: { at: Date; reason: string } | undefined;
  /** Undefined: no override. */
  limits: LimitSpec[] | undefined;
  budgets: BudgetSpec[] | undefined;
}

/** What a sign-in or an authenticated request says about a person. */
export interface SeenIdentity {
  subject: string;
  email: string | undefined;
  name: string | undefined;
  groups: readonly string[];
}

/** Fields to change; `null` clears (unblocks, drops an override). */
export interface UserPatch {
  blocked?: { at: Date; reason: string } | null;
  limits?: LimitSpec[] | null;
  budgets?: BudgetSpec[] | null;
}

export interface ListUsersFilter {
  /** Only members of this team. */
  team?: string;
  blocked?: boolean;
  /** Emails starting with this, ignoring case. */
  emailPrefix?: string;
  /** Subjects after this one (the previous page's `nextCursor`). */
  after?: string;
  /** Page size (default 100). */
  limit?: number;
}

export interface UserPage {
  users: StoredUser[];
  /** The `after` of the next page; undefined on the last one. */
  nextCursor: string | undefined;
}

const DEFAULT_PAGE = 100;

/** Creates the user at first sight, or refreshes what their identity says and when they were last seen. */
export async function recordUserSeen(db: Kysely<Database>, identity: SeenIdentity, at: Date): Promise<void> {
  const time = at.getTime();
  const seen = { email: identity.email ?? null, name: identity.name ?? null, groups: JSON.stringify(identity.groups) };
  await db
    .insertInto('users')
    .values({ subject: identity.subject, ...seen, created_at: time, last_seen_at: time, blocked_at: null, blocked_reason: null, limits: null, budgets: null })
    // A late write from another replica must not move last_seen_at backwards.
    .onConflict((conflict) => conflict.column('subject').doUpdateSet((eb) => ({ ...seen, last_seen_at: sql<number>`case when ${eb.ref('users.last_seen_at')} > ${time} then ${eb.ref('users.last_seen_at')} else ${time} end` })))
    .execute();
}

export async function getUser(db: Kysely<Database>, subject: string): Promise<StoredUser | undefined> {
  const row = await db.selectFrom('users').selectAll().where('subject', '=', subject).executeTakeFirst();
  if (!row) return undefined;
  return fromRow(row, (await teamsOfSubjects(db, [subject])).get(subject) ?? []);
}

/** Users by subject, a page at a time (keyset paging: a page never skips or repeats a user as others are added). */
export async function listUsers(db: Kysely<Database>, filter: ListUsersFilter = {}): Promise<UserPage> {
  const limit = filter.limit ?? DEFAULT_PAGE;
  if (!Number.isInteger(limit) || limit <= 0) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  let query = db.selectFrom('users').selectAll('users').orderBy('users.subject').limit(limit + 1);
  if (filter.team !== undefined) {
    const team = filter.team;
    query = query.where((eb) => eb.exists(eb.selectFrom('team_members').select('team_members.subject').whereRef('team_members.subject', '=', 'users.subject').where('team_members.team_id', '=', team)));
  }
  if (filter.blocked !== undefined) query = query.where('users.blocked_at', filter.blocked ? 'is not' : 'is', null);
  if (filter.emailPrefix !== undefined) {
    const pattern = `${escapeLike(filter.emailPrefix.toLowerCase())}%`;
    query = query.where(sql<boolean>`lower(users.email) like ${pattern} escape '\\'`);
  }
  if (filter.after !== undefined) query = query.where('users.subject', '>', filter.after);
  const rows = await query.execute();
  const page = rows.slice(0, limit);
  const teams = await teamsOfSubjects(db, page.map((row) => row.subject));
  return { users: page.map((row) => fromRow(row, teams.get(row.subject) ?? [])), nextCursor: rows.length > limit ? page.at(-1)!.subject : undefined };
}

/** Applies `patch`; false when there is no such user. */
export async function updateUser(db: Kysely<Database>, subject: string, patch: UserPatch): Promise<boolean> {
  const set: Updateable<UsersTable> = {};
  if (patch.blocked !== undefined) {
    set.blocked_at = patch.blocked?.at.getTime() ?? null;
    set.blocked_reason = patch.blocked?.reason ?? null;
  }
  if (patch.limits !== undefined) set.limits = patch.limits === null ? null : JSON.stringify(patch.limits);
  if (patch.budgets !== undefined) set.budgets = patch.budgets === null ? null : JSON.stringify(patch.budgets);
  if (Object.keys(set).length === 0) return (await db.selectFrom('users').select('subject').where('subject', '=', subject).executeTakeFirst()) !== undefined;
  const result = await db.updateTable('users').set(set).where('subject', '=', subject).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Whether a subject is blocked: the one question asked on the request path, so it reads one column. */
export async function isUserBlocked(db: Kysely<Database>, subject: string): Promise<boolean> {
  const row = await db.selectFrom('users').select('blocked_at').where('subject', '=', subject).executeTakeFirst();
  return row !== undefined && row.blocked_at !== null;
}

/** `%`, `_` and the escape character itself match literally. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

function fromRow(row: Selectable<UsersTable>, teams: string[]): StoredUser {
  return {
    subject: row.subject,
    email: row.email ?? undefined,
    name: row.name ?? undefined,
    groups: JSON.parse(row.groups) as string[],
    teams,
    createdAt: new Date(row.created_at),
    lastSeenAt: new Date(row.last_seen_at),
    blocked: row.blocked_at === null ? undefined : { at: new Date(row.blocked_at), reason: row.blocked_reason ?? '' },
    limits: row.limits === null ? undefined : (JSON.parse(row.limits) as LimitSpec[]),
    budgets: row.budgets === null ? undefined : (JSON.parse(row.budgets) as BudgetSpec[]),
  };
}
