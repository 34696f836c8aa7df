/**
 * The `api_keys` repository. Keys are found by their keyed hash (the key itself is never stored) or by public id.
 * JSON columns (allowed models, metadata, the identity snapshot, limits, budgets) are written and read here only.
 */
import type { Kysely, Selectable, Updateable } from 'kysely';
import type { ApiKeysTable, Database } from './schema.js';
import type { BudgetSpec, LimitSpec } from './teams.js';

export type ApiKeyKind = 'service' | 'personal';

/** Who a personal key was minted for, as of minting. */
export interface KeyIdentitySnapshot {
  subject: string;
  email: string | undefined;
  name: string | undefined;
  groups: string[];
  claims: Record<string, unknown>;
  admin: boolean;
}

export interface StoredApiKey {
  id: string;
  prefix: string;
  /** HMAC-SHA256 of the key, hex. */
  hash: string;
  name: string;
  kind: ApiKeyKind;
  ownerUser: string | undefined;
  ownerTeam: string | undefined;
  /** Undefined: every model. */
  allowedModels: string[] | undefined;
  metadata: Record<string, unknown>;
  createdAt: Date;
  createdBy: string;
  expiresAt: Date | undefined;
  lastUsedAt: Date | undefined;
  revokedAt: Date | undefined;
  /** Personal keys only. */
  identity: KeyIdentitySnapshot | undefined;
  /** Rate limits counted in the key's own bucket (`key:<id>`); `[]`: none. */
  limits: LimitSpec[];
  /** Budgets counted in the key's own bucket; `[]`: none. */
  budgets: BudgetSpec[];
}

/** What an administrator may change on a key; `allowedModels: null` means every model again. */
export interface ApiKeyPatch {
  name?: string;
  allowedModels?: string[] | null;
  limits?: LimitSpec[];
  budgets?: BudgetSpec[];
}

/** A key's own limits and budgets, as the limits stage reads them. */
export interface ApiKeyLimits {
  limits: LimitSpec[];
  budgets: BudgetSpec[];
}

export interface ListApiKeysFilter {
  ownerUser?: string;
  kind?: ApiKeyKind;
  /** Revoked keys are left out unless this is true. */
  includeRevoked?: boolean;
  /** At most this many, newest first (default 1000). */
  limit?: number;
}

const DEFAULT_LIST_LIMIT = 1000;

export async function insertApiKey(db: Kysely<Database>, key: StoredApiKey): Promise<void> {
  await db.insertInto('api_keys').values(toRow(key)).execute();
}

export async function findApiKeyByHash(db: Kysely<Database>, hash: string): Promise<StoredApiKey | undefined> {
  const row = await db.selectFrom('api_keys').selectAll().where('hash', '=', hash).executeTakeFirst();
  return row && fromRow(row);
}

export async function getApiKey(db: Kysely<Database>, id: string): Promise<StoredApiKey | undefined> {
  const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  return row && fromRow(row);
}

/** Keys newest first (ties broken by id). */
export async function listApiKeys(db: Kysely<Database>, filter: ListApiKeysFilter = {}): Promise<StoredApiKey[]> {
  const limit = filter.limit ?? DEFAULT_LIST_LIMIT;
  if (!Number.isInteger(limit) || limit <= 0) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  let query = db.selectFrom('api_keys').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit);
  if (filter.ownerUser !== undefined) query = query.where('owner_user', '=', filter.ownerUser);
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
  if (!filter.includeRevoked) query = query.where('revoked_at', 'is', null);
  const rows = await query.execute();
  return rows.map(fromRow);
}

/**
 * Applies `patch` (fields left out keep their value). Returns the key as it now stands, or undefined when no key has
 * this id.
 */
export async function updateApiKey(db: Kysely<Database>, id: string, patch: ApiKeyPatch): Promise<StoredApiKey | undefined> {
  const set: Updateable<ApiKeysTable> = {};
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.allowedModels !== undefined) set.allowed_models = patch.allowedModels === null ? null : JSON.stringify(patch.allowedModels);
  if (patch.limits !== undefined) set.limits = JSON.stringify(patch.limits);
  if (patch.budgets !== undefined) set.budgets = JSON.stringify(patch.budgets);
  if (Object.keys(set).length > 0) await db.updateTable('api_keys').set(set).where('id', '=', id).execute();
  return getApiKey(db, id);
}

/** Only the two JSON columns the limits stage needs; undefined when no key has this id. */
export async function getApiKeyLimits(db: Kysely<Database>, id: string): Promise<ApiKeyLimits | undefined> {
  const row = await db.selectFrom('api_keys').select(['limits', 'budgets']).where('id', '=', id).executeTakeFirst();
  return row && { limits: JSON.parse(row.limits) as LimitSpec[], budgets: JSON.parse(row.budgets) as BudgetSpec[] };
}

/**
 * Marks a key revoked at `at` unless it already is (the first revocation time is kept). Returns the key as it now
 * stands, or undefined when no key has this id.
 */
export async function revokeApiKey(db: Kysely<Database>, id: string, at: Date): Promise<StoredApiKey | undefined> {
  await db.updateTable('api_keys').set({ revoked_at: at.getTime() }).where('id', '=', id).where('revoked_at', 'is', null).execute();
  return getApiKey(db, id);
}

/**
 * Records when keys were last used, in one transaction. A time never moves backwards, so a late batch from one
 * replica cannot overwrite a newer time written by another.
 */
export async function recordApiKeyUse(db: Kysely<Database>, uses: ReadonlyMap<string, Date>): Promise<void> {
  if (uses.size === 0) return;
  await db.transaction().execute(async (trx) => {
    for (const [id, at] of uses) {
      const time = at.getTime();
      await trx
        .updateTable('api_keys')
        .set({ last_used_at: time })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', time)]))
        .execute();
    }
  });
}

function toRow(key: StoredApiKey): Selectable<ApiKeysTable> {
  return {
    id: key.id,
    prefix: key.prefix,
    hash: key.hash,
    name: key.name,
    kind: key.kind,
    owner_user: key.ownerUser ?? null,
    owner_team: key.ownerTeam ?? null,
    allowed_models: key.allowedModels === undefined ? null : JSON.stringify(key.allowedModels),
    metadata: JSON.stringify(key.metadata),
    created_at: key.createdAt.getTime(),
    created_by: key.createdBy,
    expires_at: key.expiresAt?.getTime() ?? null,
    last_used_at: key.lastUsedAt?.getTime() ?? null,
    revoked_at: key.revokedAt?.getTime() ?? null,
    identity: key.identity === undefined ? null : JSON.stringify(key.identity),
    limits: JSON.stringify(key.limits),
    budgets: JSON.stringify(key.budgets),
  };
}

function fromRow(row: Selectable<ApiKeysTable>): StoredApiKey {
  return {
    id: row.id,
    prefix: row.prefix,
    hash: row.hash,
    name: row.name,
    kind: row.kind,
    ownerUser: row.owner_user ?? undefined,
    ownerTeam: row.owner_team ?? undefined,
    allowedModels: row.allowed_models === null ? undefined : (JSON.parse(row.allowed_models) as string[]),
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    createdAt: new Date(row.created_at),
    createdBy: row.created_by,
    expiresAt: optionalDate(row.expires_at),
    lastUsedAt: optionalDate(row.last_used_at),
    revokedAt: optionalDate(row.revoked_at),
    identity: row.identity === null ? undefined : snapshotOf(JSON.parse(row.identity) as Partial<KeyIdentitySnapshot>),
    limits: JSON.parse(row.limits) as LimitSpec[],
    budgets: JSON.parse(row.budgets) as BudgetSpec[],
  };
}

function optionalDate(ms: number | null): Date | undefined {
  return ms === null ? undefined : new Date(ms);
}

/** JSON has no `undefined`: absent optional fields come back missing, and are restored explicitly. */
function snapshotOf(json: Partial<KeyIdentitySnapshot>): KeyIdentitySnapshot {
  return {
    subject: String(json.subject),
    email: json.email ?? undefined,
    name: json.name ?? undefined,
    groups: Array.isArray(json.groups) ? json.groups.map(String) : [],
    claims: json.claims ?? {},
    admin: json.admin === true,
  };
}
