/** A key on the wire (admin API, personal keys, CLI): snake_case, ISO times, null for absent values; never the hash. */
import type { ApiKeyView } from '../identity/keys/index.js';
import type { BudgetSpec, LimitSpec } from '../store/teams.js';

export interface ApiKeyJson {
  id: string;
  prefix: string;
  name: string;
  kind: 'service' | 'personal';
  owner_user: string | null;
  owner_team: string | null;
  allowed_models: readonly string[] | null;
  metadata: Readonly<Record<string, unknown>>;
  created_at: string;
  created_by: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  /** Counted in the key's own bucket; `[]`: none. */
  limits: readonly LimitSpec[];
  budgets: readonly BudgetSpec[];
}

export function keyJson(view: ApiKeyView): ApiKeyJson {
  return {
    id: view.id,
    prefix: view.prefix,
    name: view.name,
    kind: view.kind,
    owner_user: view.ownerUser ?? null,
    owner_team: view.ownerTeam ?? null,
    allowed_models: view.allowedModels ?? null,
    metadata: view.metadata,
    created_at: view.createdAt.toISOString(),
    created_by: view.createdBy,
    expires_at: view.expiresAt?.toISOString() ?? null,
    last_used_at: view.lastUsedAt?.toISOString() ?? null,
    revoked_at: view.revokedAt?.toISOString() ?? null,
    limits: view.limits,
    budgets: view.budgets,
  };
}
