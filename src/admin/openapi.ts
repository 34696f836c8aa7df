/**
 * The OpenAPI 3.1 document of the whole admin API, and the routes that serve it:
 *   GET /admin/api/openapi.json   the document
 *   GET /admin/api/docs           the same, rendered as one self-contained HTML page (no script at all)
 * Both answer any authenticated caller, not only administrators: the document describes routes, holds no data
 * and nothing secret (it is the same for every gateway of this version, and docs/admin-api.md says as much),
 * so people writing tools with their personal key may read it; anonymous callers get 401, so an unauthenticated
 * scanner learns nothing about the admin surface. A test checks that every route under /admin/api/ is here.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { listUsersQuery, memberPathParams, teamPathParams, userPathParams } from '../directory/wire-input.js';
import { GatehouseError } from '../errors.js';
import { auditRecordParams } from '../audit/record-routes.js';
import { componentSchemas, type ComponentName } from './openapi-components.js';
import { usageQuery } from './usage-routes.js';
import { CSRF_HEADER, CSRF_HEADER_VALUE } from './csrf.js';
import { docsPage, DOCS_PAGE_CSP } from './docs-page.js';

export type HttpMethod = 'get' | 'post' | 'patch' | 'delete';

interface OperationSpec {
  method: HttpMethod;
  /** OpenAPI form: `/admin/api/teams/{id}`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  pathParams?: z.ZodObject;
  query?: z.ZodObject;
  body?: ComponentName;
  /** Status → [description, component] of the success responses. */
  ok: Record<number, readonly [string, ComponentName?]>;
  notFound?: boolean;
  /** Any authenticated caller, not only administrators. */
  anyCaller?: boolean;
}

const keyId = z.object({ id: z.string().min(1).max(100).meta({ description: 'Key id (key_…).' }) });
const flag = z.enum(['true', 'false', '1', '0']);
const auditQuery = z.object({
  from: z.string().optional().meta({ description: 'ISO 8601 time or epoch ms; records at or after.' }),
  to: z.string().optional().meta({ description: 'ISO 8601 time or epoch ms; records before.' }),
  user: z.string().optional().meta({ description: 'Subject or email.' }),
  model: z.string().optional(),
  decision: z.enum(['allow', 'deny']).optional(),
  status: z.string().regex(/^\d+$/).optional().meta({ description: 'HTTP status sent to the client.' }),
  cursor: z.string().optional().meta({ description: "The previous page's next_cursor." }),
  limit: z.string().regex(/^\d+$/).optional().meta({ description: 'Page size, 1–1000 (default 100).' }),
});
const spendQuery = z.object({
  group_by: z.string().regex(/^(user|team|key|model|claim\/.+)$/).meta({ description: 'user, team, key, model or claim/<path> (e.g. claim/department).' }),
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional().meta({ description: 'First day (YYYY-MM-DD, budget time zone), included; default the first of this month.' }),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional().meta({ description: 'Last day, included; default today.' }),
  limit: z.string().regex(/^\d+$/).optional().meta({ description: 'At most this many rows, biggest spenders first (1–10000, default 100).' }),
});

const OPERATIONS: readonly OperationSpec[] = [
  { method: 'get', path: '/admin/api/keys', tag: 'keys', summary: 'List keys', description: 'Newest first, at most 1000; revoked keys only when asked.', query: z.object({ owner_user: z.string().optional(), include_revoked: flag.optional() }), ok: { 200: ['The keys.', 'KeyList'] } },
  { method: 'post', path: '/admin/api/keys', tag: 'keys', summary: 'Create a service key', description: 'The response is the only place the key ever appears (`Cache-Control: no-store`).', body: 'KeyCreate', ok: { 201: ['The key, with the key itself.', 'KeyCreated'] } },
  { method: 'get', path: '/admin/api/keys/{id}', tag: 'keys', summary: 'One key', pathParams: keyId, ok: { 200: ['The key.', 'Key'] }, notFound: true },
  { method: 'patch', path: '/admin/api/keys/{id}', tag: 'keys', summary: 'Change a key', description: "Name, allowed models, limits, budgets; fields given replace the stored ones. Never the owner or the secret. Applies at once on this replica, within the key and directory cache times on the others.", pathParams: keyId, body: 'KeyUpdate', ok: { 200: ['The key.', 'Key'] }, notFound: true },
  { method: 'delete', path: '/admin/api/keys/{id}', tag: 'keys', summary: 'Revoke a key', pathParams: keyId, ok: { 200: ['The key, revoked.', 'Key'] }, notFound: true },
  { method: 'post', path: '/admin/api/keys/{id}/revoke', tag: 'keys', summary: 'Revoke a key', description: 'Same as DELETE; the first revocation time is kept.', pathParams: keyId, ok: { 200: ['The key, revoked.', 'Key'] }, notFound: true },
  { method: 'get', path: '/admin/api/teams', tag: 'teams', summary: 'List teams', description: 'By id, at most 1000.', ok: { 200: ['The teams.', 'TeamList'] } },
  { method: 'post', path: '/admin/api/teams', tag: 'teams', summary: 'Create a team', description: 'A taken id is a 400 naming `id`.', body: 'TeamCreate', ok: { 201: ['The team.', 'Team'] } },
  { method: 'get', path: '/admin/api/teams/{id}', tag: 'teams', summary: 'One team', pathParams: teamPathParams, ok: { 200: ['The team.', 'Team'] }, notFound: true },
  { method: 'patch', path: '/admin/api/teams/{id}', tag: 'teams', summary: 'Change a team', description: 'Fields given replace the stored ones; members are changed through /members.', pathParams: teamPathParams, body: 'TeamUpdate', ok: { 200: ['The team.', 'Team'] }, notFound: true },
  { method: 'delete', path: '/admin/api/teams/{id}', tag: 'teams', summary: 'Delete a team', description: 'Its memberships go with it; keys whose owner_team names it keep the name but no longer get its models, limits or budgets.', pathParams: teamPathParams, ok: { 200: ['Deleted.', 'TeamDeleted'] }, notFound: true },
  { method: 'post', path: '/admin/api/teams/{id}/members', tag: 'teams', summary: 'Add a member', description: 'The subject need not have signed in yet.', pathParams: teamPathParams, body: 'MemberAdd', ok: { 201: ['Added; the team.', 'Team'], 200: ['Already a member; the team.', 'Team'] }, notFound: true },
  { method: 'delete', path: '/admin/api/teams/{id}/members/{subject}', tag: 'teams', summary: 'Remove a member', pathParams: memberPathParams, ok: { 200: ['The team.', 'Team'] }, notFound: true },
  { method: 'get', path: '/admin/api/users', tag: 'users', summary: 'List users', description: 'By subject, a page at a time (keyset paging).', query: listUsersQuery, ok: { 200: ['A page of users.', 'UserPage'] } },
  { method: 'get', path: '/admin/api/users/{subject}', tag: 'users', summary: 'One user', pathParams: userPathParams, ok: { 200: ['The user.', 'User'] }, notFound: true },
  { method: 'patch', path: '/admin/api/users/{subject}', tag: 'users', summary: 'Block, unblock, set overrides', description: 'A block applies to every credential the user presents (session, JWT, keys they own): at once on the replica that blocks, within the directory cache time on the others.', pathParams: userPathParams, body: 'UserUpdate', ok: { 200: ['The user.', 'User'] }, notFound: true },
  { method: 'get', path: '/admin/api/audit', tag: 'audit', summary: 'Query the audit log', description: 'Newest first; next_cursor pages to older records (stable while records are written).', query: auditQuery, ok: { 200: ['A page of records.', 'AuditPage'] } },
  { method: 'get', path: '/admin/api/audit/verify', tag: 'audit', summary: 'Verify the newest records', description: 'The hash chain of the newest 10,000 records, each against the one before it; `gatehouse audit verify` checks the whole chain.', ok: { 200: ['The verification.', 'AuditVerification'] } },
  { method: 'get', path: '/admin/api/audit/{id}', tag: 'audit', summary: 'One audit record', description: 'By seq or by request id; the same full record the list returns, with its decision explanation (matched_rules, deny_reason).', pathParams: auditRecordParams, ok: { 200: ['The record.', 'AuditRecord'] }, notFound: true },
  { method: 'get', path: '/admin/api/usage', tag: 'usage', summary: 'Usage over a window', description: 'Requests, errors, cost and latency percentiles per bucket, totals, and top users, teams and models, for every caller. A person\'s own report is at GET /.gatehouse/api/usage (same shape).', query: usageQuery, ok: { 200: ['The report.', 'UsageReport'] } },
  { method: 'get', path: '/admin/api/models', tag: 'models', summary: 'Model groups and deployments', description: 'Every group with its deployments: region, live health (cooldown, recent outcomes), median latency over the last hour, price.', ok: { 200: ['The groups.', 'ModelGroupList'] } },
  { method: 'get', path: '/admin/api/spend', tag: 'spend', summary: 'Spend by dimension', description: 'Totals per value of one dimension over a range of days, biggest spenders first.', query: spendQuery, ok: { 200: ['Spend rows.', 'SpendReport'] } },
  { method: 'post', path: '/admin/api/policy/explain', tag: 'policy', summary: 'Explain a policy decision', description: 'What the running policy decides for a described caller, model and context, and why.', body: 'PolicyExplainRequest', ok: { 200: ['The explanation.', 'PolicyExplanation'] } },
  { method: 'get', path: '/admin/api/openapi.json', tag: 'docs', summary: 'This document', anyCaller: true, ok: { 200: ['The OpenAPI document.'] } },
  { method: 'get', path: '/admin/api/docs', tag: 'docs', summary: 'This document as an HTML page', anyCaller: true, ok: { 200: ['An HTML page.'] } },
];

export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, Partial<Record<HttpMethod, Record<string, unknown>>>> };

let built: OpenApiDocument | undefined;

/** Built once per process: the document depends on nothing but the code. */
export function adminOpenApiDocument(): OpenApiDocument {
  return (built ??= buildDocument());
}

function buildDocument(): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const spec of OPERATIONS) (paths[spec.path] ??= {})[spec.method] = operation(spec);
  return {
    openapi: '3.1.0',
    info: { title: 'Gatehouse admin API', version: '1', description: 'Manage keys, teams and users; read the audit log and spend; explain policy. Errors have OpenAI\'s shape.' },
    tags: ['keys', 'teams', 'users', 'audit', 'usage', 'models', 'spend', 'policy', 'docs'].map((name) => ({ name })),
    security: [{ bearer: [] }, { apiKey: [] }, { session: [] }],
    paths,
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A bootstrap key (server.api_keys), an administrator\'s personal key, or a JWT from a trusted issuer naming an administrator.' },
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'The same keys, as Anthropic SDKs send them.' },
        session: { type: 'apiKey', in: 'cookie', name: 'gatehouse_session', description: `The browser session (identity.sessions.cookie_name; "__Host-" prefixed behind https). Calls that change state must also send ${CSRF_HEADER}: ${CSRF_HEADER_VALUE}.` },
      },
      parameters: {
        Csrf: { name: CSRF_HEADER, in: 'header', required: false, schema: { type: 'string', enum: [CSRF_HEADER_VALUE] }, description: `Required (as "${CSRF_HEADER_VALUE}") when the call is authenticated by the session cookie; otherwise 403.` },
      },
      responses: {
        BadRequest: errorResponse('Invalid body, query or path: `error.param` names the field.'),
        Unauthorized: errorResponse('No credential, or one that matches nothing.'),
        Forbidden: errorResponse('Not an administrator, or a session call without the CSRF header.'),
        NotFound: errorResponse('No such resource.'),
      },
    },
  };
}

function operation(spec: OperationSpec): Record<string, unknown> {
  const changes = spec.method !== 'get';
  const parameters = [...parametersOf(spec.pathParams, 'path'), ...parametersOf(spec.query, 'query'), ...(changes ? [{ $ref: '#/components/parameters/Csrf' }] : [])];
  const responses: Record<string, unknown> = {};
  for (const [status, [description, schema]] of Object.entries(spec.ok)) {
    responses[status] = schema ? { description, content: { 'application/json': { schema: ref(schema) } } } : { description };
  }
  if (spec.body || spec.query || spec.pathParams) responses['400'] = { $ref: '#/components/responses/BadRequest' };
  responses['401'] = { $ref: '#/components/responses/Unauthorized' };
  if (!spec.anyCaller) responses['403'] = { $ref: '#/components/responses/Forbidden' };
  if (spec.notFound) responses['404'] = { $ref: '#/components/responses/NotFound' };
  return {
    operationId: `${spec.method}${spec.path.replace('/admin/api', '').replace(/[{}]/g, '').replace(/[/._-](\w)/g, (_, char: string) => char.toUpperCase())}`,
    tags: [spec.tag],
    summary: spec.summary,
    ...(spec.description && { description: spec.description }),
    ...(spec.anyCaller && { 'x-access': 'any authenticated caller' }),
    ...(parameters.length > 0 && { parameters }),
    ...(spec.body && { requestBody: { required: true, content: { 'application/json': { schema: ref(spec.body) } } } }),
    responses,
  };
}

function parametersOf(schema: z.ZodObject | undefined, where: 'path' | 'query'): Record<string, unknown>[] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: rest, ...(typeof description === 'string' && { description }) };
  });
}

const ref = (name: ComponentName) => ({ $ref: `#/components/schemas/${name}` });

function errorResponse(description: string): Record<string, unknown> {
  return { description, content: { 'application/json': { schema: ref('Error') } } };
}

/** Serves the document and its page to any authenticated caller. */
export function registerDocsRoutes(app: FastifyInstance): void {
  const guarded = { onRequest: authenticatedOnly };
  app.get('/admin/api/openapi.json', guarded, () => adminOpenApiDocument());
  let page: string | undefined;
  app.get('/admin/api/docs', guarded, (_req, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', DOCS_PAGE_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .send((page ??= docsPage(adminOpenApiDocument()))),
  );
}

async function authenticatedOnly(req: { principal?: { authenticated: boolean } | undefined }): Promise<void> {
  if (!req.principal?.authenticated) throw new GatehouseError('GH_ERR_AUTH_MISSING', 'The admin API documentation needs a credential.');
}
