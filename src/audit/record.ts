/**
 * The audit record: one per request, written whatever the outcome (served, denied, failed), richer than the usage
 * record (which is about cost) because it answers "who asked for what, was it allowed, why, and what happened".
 */
import type { AuthMethod, Principal } from '../identity/principal.js';

/** The caller as the audit log keeps it: enough to answer "who", never a credential. */
export interface AuditPrincipal {
  subject: string;
  email: string | null;
  groups: readonly string[];
  authMethod: AuthMethod;
  /** The API key's public id, when a key was used. */
  keyId: string | null;
}

export type AuditDecision = 'allow' | 'deny';

export interface AuditRecord {
  /** When the request arrived. */
  time: Date;
  requestId: string;
  principal: AuditPrincipal;
  sourceIp: string | null;
  userAgent: string | null;
  method: string;
  path: string;
  /** The model group asked for; null when the request ended before its body was read. */
  model: string | null;
  /** The deployment that served the request (the last one tried); null when none was. */
  deployment: string | null;
  provider: string | null;
  region: string | null;
  /** Null when the request ended before authorization (for example an unreadable body). */
  decision: AuditDecision | null;
  /** The rules that decided, as the policy's explanation names them. */
  matchedRules: readonly string[];
  /** Why access was denied (the explanation's summary, for auditors: it may say more than the caller was told). */
  denyReason: string | null;
  /** The HTTP status sent to the client. */
  status: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Total time in the gateway, ms (stored as whole ms). */
  latencyMs: number;
  /** Time waiting on the provider, ms; null when no upstream call was made. */
  upstreamLatencyMs: number | null;
  /** The error code the client got (`GH_ERR_…`), or null. */
  errorType: string | null;
  /**
   * The prompt and completion as text: set them only when a `log_prompts` obligation applies to the request.
   * The writer cuts them to `audit.log_prompts_max_chars`.
   */
  prompt: string | null;
  completion: string | null;
}

/** A record as stored: its place in the chain and its hashes. */
export interface StoredAuditRecord extends AuditRecord {
  seq: number;
  hash: string;
  prevHash: string;
}

/** The audit view of a principal: who, never the credential or the full claims. */
export function auditPrincipal(principal: Principal): AuditPrincipal {
  return {
    subject: principal.subject,
    email: principal.email ?? null,
    groups: principal.groups,
    authMethod: principal.authMethod,
    keyId: principal.keyId ?? null,
  };
}
