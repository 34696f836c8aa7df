/** The audit record on the wire (admin API and JSON Lines export): snake_case like the rest of the API, time in ISO 8601. */
import type { StoredAuditRecord } from './record.js';

export interface AuditRecordJson {
  seq: number;
  hash: string;
  prev_hash: string;
  time: string;
  request_id: string;
  principal: { subject: string; email: string | null; groups: readonly string[]; auth_method: string; key_id: string | null };
  source_ip: string | null;
  user_agent: string | null;
  method: string;
  path: string;
  model: string | null;
  deployment: string | null;
  provider: string | null;
  region: string | null;
  decision: string | null;
  matched_rules: readonly string[];
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

export function auditRecordJson(record: StoredAuditRecord): AuditRecordJson {
  const { principal } = record;
  return {
    seq: record.seq,
    hash: record.hash,
    prev_hash: record.prevHash,
    time: record.time.toISOString(),
    request_id: record.requestId,
    principal: { subject: principal.subject, email: principal.email, groups: principal.groups, auth_method: principal.authMethod, key_id: principal.keyId },
    source_ip: record.sourceIp,
    user_agent: record.userAgent,
    method: record.method,
    path: record.path,
    model: record.model,
    deployment: record.deployment,
    provider: record.provider,
    region: record.region,
    decision: record.decision,
    matched_rules: record.matchedRules,
    deny_reason: record.denyReason,
    status: record.status,
    input_tokens: record.inputTokens,
    output_tokens: record.outputTokens,
    cost_usd: record.costUsd,
    latency_ms: record.latencyMs,
    upstream_latency_ms: record.upstreamLatencyMs,
    error_type: record.errorType,
    prompt: record.prompt,
    completion: record.completion,
  };
}
