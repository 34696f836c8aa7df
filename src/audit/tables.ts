/**
 * The audit tables as Kysely sees them (registered in `store/schema.ts`). Same conventions as the rest of the
 * store: epoch-ms integer timestamps, integer counts, `double precision` money, and lists as JSON text (text
 * round-trips byte for byte on both backends, which the hash chain relies on).
 */

export interface AuditRecordsTable {
  /** Position in the chain: 1, 2, 3… with no gaps, assigned inside the write transaction. */
  seq: number;
  /** SHA-256 (hex) of this row's canonical form and `prev_hash` (see `audit/chain.ts`). */
  hash: string;
  /** The `hash` of the row at `seq - 1` (or of the retention checkpoint, or 64 zeros for the first record). */
  prev_hash: string;
  /** When the request arrived, epoch ms. */
  time: number;
  request_id: string;
  subject: string;
  email: string | null;
  /** JSON array of strings. */
  groups: string;
  auth_method: string;
  key_id: string | null;
  source_ip: string | null;
  user_agent: string | null;
  method: string;
  path: string;
  /** The model group asked for; null when the request never got that far (unreadable body). */
  model: string | null;
  deployment: string | null;
  provider: string | null;
  region: string | null;
  /** `allow` or `deny`; null when the request ended before authorization. */
  decision: string | null;
  /** JSON array of rule names. */
  matched_rules: string;
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

/**
 * One row per retention run: the last record it deleted. Verification starts from the newest checkpoint, so
 * deleting old records never looks like tampering, while deleting any record *without* a checkpoint still does.
 */
export interface AuditCheckpointsTable {
  seq: number;
  hash: string;
  /** When the records were deleted, epoch ms. */
  pruned_at: number;
  /** How many records that run deleted. */
  deleted: number;
}
