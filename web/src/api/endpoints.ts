/**
 * The gateway endpoints the console uses, one function each, so a page says what it needs rather than a URL.
 * Admin calls live under /admin/api; a person's own data under /.gatehouse. The server checks every permission:
 * a non-admin calling an admin function here gets the API's 403 message, shown on the page.
 */
import { getJson, sendJson } from './client.js';
import type {
  ApiKey,
  AuditPage,
  AuditVerification,
  CreatedKey,
  List,
  Me,
  ModelGroup,
  RequestExplanation,
  SpendReport,
  Team,
  Usage,
  UsageWindow,
  UserPage,
} from './types.js';

export const me = () => getJson<Me>('/.gatehouse/me');

export const usage = (window: UsageWindow, scope: 'all' | 'own') => getJson<Usage>(scope === 'all' ? '/admin/api/usage' : '/.gatehouse/api/usage', { window });

export const models = (scope: 'all' | 'own') => getJson<List<ModelGroup>>(scope === 'all' ? '/admin/api/models' : '/.gatehouse/api/models');

export const personalKeys = () => getJson<List<ApiKey>>('/.gatehouse/api/personal_keys');
export const createPersonalKey = (input: { name?: string; lifetime?: string }) => sendJson<CreatedKey>('POST', '/.gatehouse/api/personal_keys', input);
export const revokePersonalKey = (id: string) => sendJson<ApiKey>('POST', `/.gatehouse/api/personal_keys/${encodeURIComponent(id)}/revoke`);

export const allKeys = (includeRevoked: boolean) => getJson<List<ApiKey>>('/admin/api/keys', { include_revoked: includeRevoked ? 'true' : undefined });
export interface NewKey {
  name: string;
  owner_user?: string;
  owner_team?: string;
  allowed_models?: string[];
  expires_in?: string;
}
export const createKey = (input: NewKey) => sendJson<CreatedKey>('POST', '/admin/api/keys', input);
export const revokeKey = (id: string) => sendJson<ApiKey>('POST', `/admin/api/keys/${encodeURIComponent(id)}/revoke`);

export const teams = () => getJson<List<Team>>('/admin/api/teams');
export const users = (cursor?: string) => getJson<UserPage>('/admin/api/users', { cursor, limit: 100 });

export const spend = (groupBy: string, from: string, to: string, limit = 1000) => getJson<SpendReport>('/admin/api/spend', { group_by: groupBy, from, to, limit });

export interface AuditFilters {
  from?: string;
  to?: string;
  user?: string;
  model?: string;
  decision?: 'allow' | 'deny';
  status?: string;
  limit?: number;
}
export const audit = (filters: AuditFilters, cursor?: string) => getJson<AuditPage>('/admin/api/audit', { ...filters, cursor });
export const verifyAudit = () => getJson<AuditVerification>('/admin/api/audit/verify');

export interface ExplainInput {
  principal: Record<string, unknown>;
  model: string;
  endpoint?: 'chat' | 'completions' | 'embeddings' | 'messages';
  ip?: string;
  time?: string;
}
export const explainPolicy = (input: ExplainInput) => sendJson<RequestExplanation>('POST', '/admin/api/policy/explain', input);
