/**
 * The admin API's wire shapes as zod schemas, registered under their component names. Teams, users and policy
 * explain reuse the very schemas their routes validate with; keys, audit and spend validate with schemas their
 * modules keep private (or by hand), so theirs are written out here to the same effect.
 */
import { z } from 'zod';
import { addMemberBody, budgetSpecSchema, createTeamBody, limitSpecSchema, patchTeamBody, patchUserBody } from '../directory/wire-input.js';
import { teamJsonSchema, userJsonSchema } from '../directory/wire-json.js';
import { explainRequestSchema } from '../policy/explain-request.js';

const isoTime = z.string().meta({ format: 'date-time' });
const list = <T extends z.ZodType>(item: T) => z.object({ object: z.literal('list'), data: z.array(item) });

const errorSchema = z
  .object({ error: z.object({ message: z.string(), type: z.string(), param: z.string().nullable(), code: z.string().nullable() }) })
  .meta({ description: "OpenAI's error shape; `param` names the field at fault on a 400." });

const keySchema = z.object({
  id: z.string().meta({ description: 'Public id (key_…).' }),
  prefix: z.string().meta({ description: "The key's first 12 characters." }),
  name: z.string(),
  kind: z.enum(['service', 'personal']),
  owner_user: z.string().nullable(),
  owner_team: z.string().nullable(),
  allowed_models: z.array(z.string()).nullable().meta({ description: 'null: every model.' }),
  metadata: z.record(z.string(), z.unknown()),
  created_at: isoTime,
  created_by: z.string(),
  expires_at: isoTime.nullable(),
  last_used_at: isoTime.nullable(),
  revoked_at: isoTime.nullable(),
});

const keyCreateSchema = z.strictObject({
  name: z.string().min(1).max(200),
  owner_user: z.string().min(1).max(320).optional(),
  owner_team: z.string().min(1).max(200).optional(),
  allowed_models: z.array(z.string().min(1)).min(1).max(1000).optional().meta({ description: 'Omit for every model.' }),
  expires_at: isoTime.optional().meta({ description: 'ISO 8601 with offset; not together with expires_in.' }),
  expires_in: z.union([z.string(), z.number()]).optional().meta({ description: 'A duration such as "30d" or "12h", or seconds.' }),
  metadata: z.record(z.string(), z.unknown()).optional().meta({ description: 'At most 4 KB of JSON.' }),
});

const auditRecordSchema = z.object({
  seq: z.number().int(),
  hash: z.string(),
  prev_hash: z.string(),
  time: isoTime,
  request_id: z.string(),
  principal: z.object({ subject: z.string(), email: z.string().nullable(), groups: z.array(z.string()), auth_method: z.string(), key_id: z.string().nullable() }),
  source_ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  method: z.string(),
  path: z.string(),
  model: z.string().nullable(),
  deployment: z.string().nullable(),
  provider: z.string().nullable(),
  region: z.string().nullable(),
  decision: z.string().nullable(),
  matched_rules: z.array(z.string()),
  deny_reason: z.string().nullable(),
  status: z.number().int(),
  input_tokens: z.number().int(),
  output_tokens: z.number().int(),
  cost_usd: z.number(),
  latency_ms: z.number(),
  upstream_latency_ms: z.number().nullable(),
  error_type: z.string().nullable(),
  prompt: z.string().nullable().meta({ description: 'Only when policy has log_prompts for the request.' }),
  completion: z.string().nullable(),
});

const spendRowSchema = z.object({
  value: z.string().meta({ description: 'The value of the dimension: a subject, team id, key id, model or claim value.' }),
  requests: z.number().int(),
  input_tokens: z.number().int(),
  output_tokens: z.number().int(),
  cost_usd: z.number(),
});

const explanationSchema = z.object({
  decision: z.enum(['allow', 'deny']),
  reason: z.string(),
  message: z.string().optional().meta({ description: 'What the caller is told when denied.' }),
  matched: z.object({ allow: z.array(z.string()), deny: z.array(z.string()), when: z.array(z.string()) }),
  rules: z.array(z.object({ name: z.string(), kind: z.string(), matched: z.boolean(), failed: z.record(z.string(), z.unknown()).optional() })),
  obligations: z.record(z.string(), z.unknown()).meta({ description: 'route (regions, providers), limits, budgets, log_prompts.' }),
  input: z.record(z.string(), z.unknown()).meta({ description: 'What was evaluated, as policy saw it.' }),
  warnings: z.array(z.string()),
});

/** Component name → schema; operations refer to these names. */
export const COMPONENTS = {
  Error: errorSchema,
  Limit: limitSpecSchema,
  Budget: budgetSpecSchema,
  Team: teamJsonSchema,
  TeamList: list(teamJsonSchema),
  TeamCreate: createTeamBody,
  TeamUpdate: patchTeamBody,
  TeamDeleted: z.object({ object: z.literal('team'), id: z.string(), deleted: z.literal(true) }),
  MemberAdd: addMemberBody,
  User: userJsonSchema,
  UserPage: list(userJsonSchema).extend({ next_cursor: z.string().nullable().meta({ description: 'Pass as cursor for the next page; null on the last.' }) }),
  UserUpdate: patchUserBody,
  Key: keySchema,
  KeyCreated: keySchema.extend({ key: z.string().meta({ description: 'The key itself: shown in this response only.' }) }),
  KeyList: list(keySchema),
  KeyCreate: keyCreateSchema,
  AuditRecord: auditRecordSchema,
  AuditPage: z.object({ data: z.array(auditRecordSchema), next_cursor: z.string().nullable() }),
  SpendReport: z.object({ object: z.literal('list'), group_by: z.string(), from: z.string(), to: z.string(), data: z.array(spendRowSchema) }),
  PolicyExplainRequest: explainRequestSchema,
  PolicyExplanation: explanationSchema,
} as const satisfies Record<string, z.ZodType>;

export type ComponentName = keyof typeof COMPONENTS;

/** JSON Schema (2020-12, as OpenAPI 3.1 uses) of every component, shared parts as `$ref`s between them. */
export function componentSchemas(): Record<string, Record<string, unknown>> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(COMPONENTS)) registry.add(schema, { id });
  // Request bodies are described as clients write them (`io: input`): defaults are optional there.
  const { schemas } = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}`, io: 'input', unrepresentable: 'any' });
  const out: Record<string, Record<string, unknown>> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _dialect, $id: _id, ...rest } = schema as Record<string, unknown>;
    out[id] = rest;
  }
  return out;
}
