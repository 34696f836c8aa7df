/**
 * The database as Kysely sees it: one interface per table, keyed by table name.
 *
 * Conventions that hold on both backends (SQLite and Postgres), so a query means the same thing on either:
 * - timestamps are integer epoch milliseconds (`bigint`): they compare and sort as numbers, carry no time zone,
 *   and round-trip exactly through both drivers (Postgres `int8` is parsed to a JS number by the store);
 * - booleans are integers 0/1: SQLite has no boolean type, and a raw `where stream = 1` then works everywhere;
 * - money is `double precision`: costs are estimates in fractions of a cent, not ledger amounts.
 * Repositories convert to and from the camelCase domain types (`Date`, `boolean`).
 */
import type { Generated } from 'kysely';
import type { Endpoint } from '../llm/types.js';
import type { AuditCheckpointsTable, AuditRecordsTable } from '../audit/tables.js';
import type { SpendDailyTable } from '../spend/tables.js';

export interface UsageRecordsTable {
  id: Generated<number>;
  /** When the request started, epoch ms. */
  time: number;
  request_id: string;
  /** The column is text; the repository only ever writes an `Endpoint`. */
  endpoint: Endpoint;
  model_group: string;
  /** Null when no deployment was tried (e.g. the request was refused before routing). */
  deployment: string | null;
  provider: string | null;
  upstream_model: string | null;
  /** 0 or 1. */
  stream: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  latency_ms: number;
  /** Null when no upstream call was made. */
  upstream_latency_ms: number | null;
  /** The HTTP status sent to the client. */
  status: number;
  error_code: string | null;
  principal: string | null;
  /** Time spent in the gateway itself, ms (fractional); null on rows older than migration 0008. */
  overhead_ms: number | null;
  /** The caller's team at the time of the request. */
  team: string | null;
}

/** Virtual (`service`) and `personal` API keys. The key itself is never stored: only its keyed hash. */
export interface ApiKeysTable {
  /** Public id (`key_…`), shown in lists and URLs. */
  id: string;
  /** The first characters of the key (`ghk_AbC12345`), to recognise it. */
  prefix: string;
  /** HMAC-SHA256 of the key, hex; unique. */
  hash: string;
  name: string;
  /** The column is text; the repository only ever writes an `ApiKeyKind`. */
  kind: 'service' | 'personal';
  owner_user: string | null;
  owner_team: string | null;
  /** JSON array of model group names; null means every model. */
  allowed_models: string | null;
  /** JSON object. */
  metadata: string;
  created_at: number;
  created_by: string;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
  /** JSON: the principal a personal key was minted for, as of minting; null for service keys. */
  identity: string | null;
  /** JSON array of `{rpm?, tpm?, concurrent?}`, counted in the key's bucket; `[]`: none. */
  limits: string;
  /** JSON array of `{usd, period}`, counted in the key's bucket; `[]`: none. */
  budgets: string;
}

/** A signed-in browser; the cookie holds a random id, this row only its SHA-256. */
export interface SessionsTable {
  id_hash: string;
  subject: string;
  /** JSON: subject, email, name, groups and claims as of the last sign-in or refresh. */
  identity: string;
  /** The IdP's ID token, kept (encrypted like the refresh token) as the `id_token_hint` of sign-out. */
  id_token: string | null;
  /** The IdP's refresh token, encrypted with a key derived from `secret`. */
  refresh_token: string | null;
  created_at: number;
  last_seen_at: number;
  /** Absolute end of the session, epoch ms. */
  expires_at: number;
  refreshed_at: number;
  /** When claims are next refreshed; null when the session has no refresh token. */
  next_refresh_at: number | null;
}

/** A sign-in waiting for the IdP's callback; the payload (nonce, PKCE verifier, return_to) is encrypted. */
export interface SignInAttemptsTable {
  state_hash: string;
  payload: string;
  created_at: number;
}

/** A one-time code of `gatehouse login`, exchanged once (with its PKCE verifier) for a personal key. */
export interface CliLoginCodesTable {
  code_hash: string;
  code_challenge: string;
  /** JSON identity of the signed-in user the key will be minted for. */
  identity: string;
  expires_at: number;
}

/** A person, created at their first sign-in; `groups` is a JSON array as of their last sign-in or request. */
export interface UsersTable {
  subject: string;
  email: string | null;
  name: string | null;
  /** JSON array of group names. */
  groups: string;
  /** First seen, epoch ms. */
  created_at: number;
  last_seen_at: number;
  /** Null unless blocked. */
  blocked_at: number | null;
  blocked_reason: string | null;
  /** JSON array of `{rpm?, tpm?, concurrent?}`; null: no override. */
  limits: string | null;
  /** JSON array of `{usd, period}`; null: no override. */
  budgets: string | null;
}

/** A team: allowed models, limits and budgets that apply to its members (and to keys of the team). */
export interface TeamsTable {
  /** A slug, used in URLs, keys' `owner_team` and principals' `team`. */
  id: string;
  name: string;
  /** JSON array of model group names; null means every model. */
  allowed_models: string | null;
  /** JSON array of `{rpm?, tpm?, concurrent?}`. */
  limits: string;
  /** JSON array of `{usd, period}`. */
  budgets: string;
  /** JSON object. */
  metadata: string;
  created_at: number;
  updated_at: number;
}

export interface TeamMembersTable {
  team_id: string;
  subject: string;
  added_at: number;
}

export interface Database {
  usage_records: UsageRecordsTable;
  api_keys: ApiKeysTable;
  sessions: SessionsTable;
  sign_in_attempts: SignInAttemptsTable;
  cli_login_codes: CliLoginCodesTable;
  audit_records: AuditRecordsTable;
  audit_checkpoints: AuditCheckpointsTable;
  spend_daily: SpendDailyTable;
  users: UsersTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
}
