/**
 * The admin API's wire shapes as zod schemas, registered under their component names. Key, team and user bodies
 * and policy explain reuse the very schemas their routes validate with; key responses, audit and spend are built
 * (or validated) by hand in their modules, so theirs are written out here to the same effect.
 */
import { z } from 'zod';
import { addMemberBody, budgetSpecSchema, createTeamBody, limitSpecSchema, patchTeamBody, patchUserBody } from '../directory/wire-input.js';
import { createKeyBody, patchKeyBody } from './key-input.js';
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
  limits: z.array(limitSpecSchema).meta({ description: "Counted in the key's own bucket; []: none." }),
  budgets: z.array(budgetSpecSchema).meta({ description: "Counted in the key's own bucket; []: none." }),
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

const latencies = {
  overhead_p50_ms: z.number().nullable().meta({ description: "The gateway's own time, ms; null without requests." }),
  overhead_p95_ms: z.number().nullable(),
  upstream_p50_ms: z.number().nullable().meta({ description: "Time to the provider's response headers, ms." }),
  upstream_p95_ms: z.number().nullable(),
};
const usageTopSchema = z.array(z.object({ value: z.string(), requests: z.number().int(), cost_usd: z.number() })).max(10);
const usageReportSchema = z.object({
  window: z.enum(['24h', '7d', '30d']),
  from: isoTime,
  to: isoTime.meta({ description: 'End of the bucket holding now (exclusive).' }),
  bucket_seconds: z.number().int(),
  series: z.array(z.object({ t: isoTime.meta({ description: 'Start of the bucket.' }), requests: z.number().int(), errors: z.number().int(), cost_usd: z.number(), ...latencies })),
  totals: z.object({ requests: z.number().int(), errors: z.number().int(), cost_usd: z.number(), input_tokens: z.number().int(), output_tokens: z.number().int(), ...latencies }),
  top: z.object({ users: usageTopSchema, teams: usageTopSchema, models: usageTopSchema }),
});

const deploymentSchema = z.object({
  id: z.string(),
  provider: z.string(),
  provider_type: z.string(),
  model: z.string(),
  region: z.string().nullable(),
  state: z.enum(['healthy', 'cooling_down']),
  cooldown_until: isoTime.nullable(),
  in_flight: z.number().int(),
  recent_requests: z.number().int().meta({ description: 'Outcomes over the last one to two minutes, on this replica.' }),
  recent_error_rate: z.number().meta({ description: '0–1; 0 without recent requests.' }),
  latency_p50_ms: z.number().nullable().meta({ description: 'Median upstream latency of answered requests over the last hour.' }),
  latency_ewma_ms: z.number().nullable().meta({ description: "The router's moving average, on this replica." }),
  price: z.object({ input_usd_per_mtok: z.number().nullable(), output_usd_per_mtok: z.number().nullable() }),
});
const modelGroupSchema = z.object({ name: z.string(), description: z.string().nullable(), tags: z.array(z.string()), fallbacks: z.array(z.string()), deployments: z.array(deploymentSchema) });

const auditVerificationSchema = z.object({
  ok: z.boolean(),
  records_checked: z.number().int(),
  first_broken_id: z.number().int().nullable().meta({ description: 'The lowest seq at fault.' }),
  message: z.string(),
  scope: z.object({ limit: z.number().int(), from_seq: z.number().int(), to_seq: z.number().int() }),
  problem_count: z.number().int(),
  problems: z.array(z.string()).meta({ description: 'The first 20 problems, one line each.' }),
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
  KeyCreate: createKeyBody,
  KeyUpdate: patchKeyBody,
  AuditRecord: auditRecordSchema,
  AuditPage: z.object({ data: z.array(auditRecordSchema), next_cursor: z.string().nullable() }),
  AuditVerification: auditVerificationSchema,
  UsageReport: usageReportSchema,
  ModelGroupList: list(modelGroupSchema),
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
