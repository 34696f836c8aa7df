/**
 * The hash chain. Each record's hash covers its canonical form and its predecessor's hash, so changing, removing
 * or reordering any record breaks every later link.
 *
 * The canonical form is a JSON array, never an object, so field order is fixed here rather than left to whichever
 * key order a driver returns. It holds the stored column values, which read back identically from SQLite and
 * Postgres: integers (seq, time in epoch ms, counts, latencies) as JSON integers, text as JSON strings (the lists
 * stay the JSON text they are stored as), null as null. The one floating-point value, `cost_usd`, is written as
 * a string of at most 15 significant digits: every double survives that round trip through either database, even a
 * Postgres configured with `extra_float_digits = 0`.
 */
import { createHash } from 'node:crypto';
import type { AuditRecordsTable } from './tables.js';

/** The `prev_hash` of the first record ever written. */
export const GENESIS_HASH = '0'.repeat(64);

/** Names the canonical form, so a future change of it can be told apart from tampering. */
const CANONICAL_VERSION = 'gatehouse-audit-v1';

/** A position in the chain: a record, a checkpoint or the genesis (seq 0). */
export interface ChainLink {
  seq: number;
  hash: string;
}

export const GENESIS: ChainLink = Object.freeze({ seq: 0, hash: GENESIS_HASH });

export type HashedFields = Omit<AuditRecordsTable, 'hash' | 'prev_hash'>;

function canonicalCost(value: number): string {
  return String(Number(value.toPrecision(15)));
}

/** The exact text that is hashed for a record. Exported so the format is testable and documented by code. */
export function canonicalForm(row: HashedFields, prevHash: string): string {
  return JSON.stringify([
    CANONICAL_VERSION,
    row.seq,
    prevHash,
    row.time,
    row.request_id,
    row.subject,
    row.email,
    row.groups,
    row.auth_method,
    row.key_id,
    row.source_ip,
    row.user_agent,
    row.method,
    row.path,
    row.model,
    row.deployment,
    row.provider,
    row.region,
    row.decision,
    row.matched_rules,
    row.deny_reason,
    row.status,
    row.input_tokens,
    row.output_tokens,
    canonicalCost(row.cost_usd),
    row.latency_ms,
    row.upstream_latency_ms,
    row.error_type,
    row.prompt,
    row.completion,
  ]);
}

/** SHA-256 (lowercase hex) of the canonical form. */
export function recordHash(row: HashedFields, prevHash: string): string {
  return createHash('sha256').update(canonicalForm(row, prevHash)).digest('hex');
}
