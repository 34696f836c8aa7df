/** A key as callers and the admin API see it: everything but its hash. */
import type { ApiKeyKind, KeyIdentitySnapshot, StoredApiKey } from '../../store/api-keys.js';
import type { BudgetSpec, LimitSpec } from '../../store/teams.js';

export interface ApiKeyView {
  id: string;
  prefix: string;
  name: string;
  kind: ApiKeyKind;
  ownerUser: string | undefined;
  ownerTeam: string | undefined;
  allowedModels: readonly string[] | undefined;
  metadata: Readonly<Record<string, unknown>>;
  createdAt: Date;
  createdBy: string;
  expiresAt: Date | undefined;
  /** The latest use this process knows of (noted uses are written to the store in batches). */
  lastUsedAt: Date | undefined;
  revokedAt: Date | undefined;
  /** Personal keys: who the key acts as, as of minting. */
  identity: KeyIdentitySnapshot | undefined;
  /** Counted in the key's own bucket; `[]`: none. */
  limits: readonly LimitSpec[];
  budgets: readonly BudgetSpec[];
}

/** The view of a stored key; `pendingUse` is a use noted in memory but not yet written. */
export function viewOfKey(stored: StoredApiKey, pendingUse: number | undefined): ApiKeyView {
  const { hash: _hash, lastUsedAt, ...rest } = stored;
  const latest = pendingUse !== undefined && pendingUse > (lastUsedAt?.getTime() ?? 0) ? new Date(pendingUse) : lastUsedAt;
  return { ...rest, lastUsedAt: latest };
}
