/**
 * The JSON the console reads, as the gateway sends it (snake_case, ISO times, null for absent values). These
 * mirror the server's wire types; the console never sees anything the API does not already give its caller.
 */

/** `GET /.gatehouse/me` */
export interface Me {
  subject: string;
  email: string | null;
  name: string | null;
  groups: string[];
  claims: Record<string, unknown>;
  authMethod: string;
  admin: boolean;
  keyId: string | null;
  team: string | null;
}

export type UsageWindow = '24h' | '7d' | '30d';

export interface UsagePoint {
  /** ISO start of the bucket. */
  t: string;
  requests: number;
  errors: number;
  cost_usd: number;
  overhead_p50_ms: number | null;
  overhead_p95_ms: number | null;
  upstream_p50_ms: number | null;
  upstream_p95_ms: number | null;
}

export interface UsageTopRow {
  value: string;
  requests: number;
  cost_usd: number;
}

/** `GET /admin/api/usage` and `GET /.gatehouse/api/usage` */
export interface Usage {
  window: UsageWindow;
  from: string;
  to: string;
  bucket_seconds: number;
  series: UsagePoint[];
  totals: {
    requests: number;
    errors: number;
    cost_usd: number;
    input_tokens: number;
    output_tokens: number;
    overhead_p50_ms: number | null;
    overhead_p95_ms: number | null;
    upstream_p50_ms: number | null;
    upstream_p95_ms: number | null;
  };
  top: { users: UsageTopRow[]; teams: UsageTopRow[]; models: UsageTopRow[] };
}

export interface List<T> {
  object?: 'list';
  data: T[];
}

export interface Deployment {
  id: string;
  provider: string;
  provider_type: string;
  model: string;
  region: string | null;
  state: 'healthy' | 'cooling_down';
  cooldown_until: string | null;
  /** Requests being answered right now. */
  in_flight: number;
  recent_requests: number;
  recent_error_rate: number;
  latency_p50_ms: number | null;
  price: { input_usd_per_mtok: number | null; output_usd_per_mtok: number | null };
}

/** `GET /admin/api/models`: groups with their deployments; `GET /.gatehouse/api/models`: names and tags only. */
export interface ModelGroup {
  name: string;
  description: string | null;
  tags: string[];
  /** Admin view only. */
  fallbacks?: string[];
  deployments?: Deployment[];
}

export interface ApiKey {
  id: string;
  prefix: string;
  name: string;
  kind: 'service' | 'personal';
  owner_user: string | null;
  owner_team: string | null;
  allowed_models: string[] | null;
  metadata: Record<string, unknown>;
  created_at: string;
  created_by: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** The answer to a key creation: the only time the secret is ever sent. */
export interface CreatedKey extends ApiKey {
  key: string;
}

export interface LimitSpec {
  rpm?: number;
  tpm?: number;
  concurrent?: number;
}

export type BudgetPeriod = 'day' | 'week' | 'month' | 'total';

export interface BudgetSpec {
  usd: number;
  period: BudgetPeriod;
}

export interface Team {
  id: string;
  name: string;
  members: string[];
  allowed_models: string[] | null;
  limits: LimitSpec[];
  budgets: BudgetSpec[];
  metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export interface User {
  subject: string;
  email: string | null;
  name: string | null;
  groups: string[];
  teams: string[];
  blocked: boolean;
  blocked_reason: string | null;
  blocked_at: string | null;
  created_at: string;
  last_seen_at: string;
  limits: LimitSpec[] | null;
  budgets: BudgetSpec[] | null;
}

export interface UserPage extends List<User> {
  next_cursor: string | null;
}

export type SpendGroup = 'user' | 'team' | 'key' | 'model' | `claim/${string}`;

export interface SpendRow {
  value: string;
  requests: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}

/** `GET /admin/api/spend` */
export interface SpendReport extends List<SpendRow> {
  group_by: SpendGroup;
  from: string;
  to: string;
}

export interface CriterionFailure {
  path: string;
  criterion: string;
  expected: string;
  actual: string;
  matched: boolean;
  text: string;
}

export interface RuleExplanation {
  name: string;
  kind: 'allow' | 'deny' | 'when';
  matched: boolean;
  failed?: CriterionFailure;
}

export interface Explanation {
  decision: 'allow' | 'deny';
  reason: string;
  message?: string;
  matched: { allow: string[]; deny: string[]; when: string[] };
  rules: RuleExplanation[];
  obligations: {
    route: { regions: string[] | null; providers: string[] | null };
    limits: Array<Record<string, unknown>>;
    budgets: Array<Record<string, unknown>>;
    log_prompts: boolean;
  };
}

/** `POST /admin/api/policy/explain` */
export interface RequestExplanation extends Explanation {
  input: {
    principal: { subject: string; authenticated: boolean; auth_method: string; email: string | null; groups: string[]; claims: Record<string, unknown> };
    model: string;
    model_tags: string[];
    endpoint: string;
    ip: string | null;
    time: string;
  };
  warnings: string[];
}

export interface AuditRecord {
  seq: number;
  hash: string;
  prev_hash: string;
  time: string;
  request_id: string;
  principal: { subject: string; email: string | null; groups: string[]; auth_method: string; key_id: string | null };
  source_ip: string | null;
  user_agent: string | null;
  method: string;
  path: string;
  model: string | null;
  deployment: string | null;
  provider: string | null;
  region: string | null;
  decision: string | null;
  matched_rules: string[];
  deny_reason: string | null;
  status: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  latency_ms: number;
  upstream_latency_ms: number | null;
  error_type: string | null;
  prompt: string | null;
  completion: string | null;
}

export interface AuditPage {
  data: AuditRecord[];
  next_cursor: string | null;
}

/** `GET /admin/api/audit/verify` */
export interface AuditVerification {
  ok: boolean;
  records_checked: number;
  /** The lowest seq at fault. */
  first_broken_id: number | null;
  message: string;
  /** Which records were checked: the newest `limit`, seqs `from_seq` to `to_seq`. */
  scope: { limit: number; from_seq: number; to_seq: number };
  problem_count: number;
  /** The first problems, one sentence each. */
  problems: string[];
}
