/**
 * Domain record ⇄ table row. Text is made storable on both backends before it is hashed: Postgres rejects NUL in
 * text, and both drivers encode lone UTF-16 surrogates as U+FFFD, so a value hashed before that replacement would
 * read back different and fail verification.
 */
import type { Selectable } from 'kysely';
import type { AuthMethod } from '../identity/principal.js';
import type { AuditDecision, AuditRecord, StoredAuditRecord } from './record.js';
import type { AuditRecordsTable } from './tables.js';

/** A row before it joins the chain. */
export type AuditRowContent = Omit<AuditRecordsTable, 'seq' | 'hash' | 'prev_hash'>;

const UNSTORABLE_TEXT = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function storable(text: string): string {
  return text.replace(UNSTORABLE_TEXT, '\uFFFD');
}

function storableOrNull(text: string | null): string | null {
  return text === null ? null : storable(text);
}

/** Whole, finite numbers: counts and latencies are integer columns, and NaN would not survive SQLite. */
function wholeNumber(value: number): number {
  return Number.isFinite(value) ? Math.round(value) : 0;
}

function cut(text: string | null, maxChars: number): string | null {
  if (text === null) return null;
  if (text.length <= maxChars) return storable(text);
  // Never split a surrogate pair: drop its first half rather than leave it alone.
  const last = text.charCodeAt(maxChars - 1);
  const end = last >= 0xd800 && last <= 0xdbff ? maxChars - 1 : maxChars;
  return storable(text.slice(0, end));
}

export function toAuditRow(record: AuditRecord, promptMaxChars: number): AuditRowContent {
  const { principal } = record;
  return {
    time: record.time.getTime(),
    request_id: storable(record.requestId),
    subject: storable(principal.subject),
    email: storableOrNull(principal.email),
    groups: JSON.stringify(principal.groups.map(storable)),
    auth_method: principal.authMethod,
    key_id: storableOrNull(principal.keyId),
    source_ip: storableOrNull(record.sourceIp),
    user_agent: storableOrNull(record.userAgent),
    method: storable(record.method),
    path: storable(record.path),
    model: storableOrNull(record.model),
    deployment: storableOrNull(record.deployment),
    provider: storableOrNull(record.provider),
    region: storableOrNull(record.region),
    decision: record.decision,
    matched_rules: JSON.stringify(record.matchedRules.map(storable)),
    deny_reason: storableOrNull(record.denyReason),
    status: wholeNumber(record.status),
    input_tokens: wholeNumber(record.inputTokens),
    output_tokens: wholeNumber(record.outputTokens),
    cost_usd: Number.isFinite(record.costUsd) ? record.costUsd : 0,
    latency_ms: wholeNumber(record.latencyMs),
    upstream_latency_ms: record.upstreamLatencyMs === null ? null : wholeNumber(record.upstreamLatencyMs),
    error_type: storableOrNull(record.errorType),
    prompt: cut(record.prompt, promptMaxChars),
    completion: cut(record.completion, promptMaxChars),
  };
}

function stringList(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.map(String) : [];
}

export function fromAuditRow(row: Selectable<AuditRecordsTable>): StoredAuditRecord {
  return {
    seq: row.seq,
    hash: row.hash,
    prevHash: row.prev_hash,
    time: new Date(row.time),
    requestId: row.request_id,
    principal: {
      subject: row.subject,
      email: row.email,
      groups: stringList(row.groups),
      authMethod: row.auth_method as AuthMethod,
      keyId: row.key_id,
    },
    sourceIp: row.source_ip,
    userAgent: row.user_agent,
    method: row.method,
    path: row.path,
    model: row.model,
    deployment: row.deployment,
    provider: row.provider,
    region: row.region,
    decision: row.decision as AuditDecision | null,
    matchedRules: stringList(row.matched_rules),
    denyReason: row.deny_reason,
    status: row.status,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    costUsd: row.cost_usd,
    latencyMs: row.latency_ms,
    upstreamLatencyMs: row.upstream_latency_ms,
    errorType: row.error_type,
    prompt: row.prompt,
    completion: row.completion,
  };
}
