/**
 * "What would policy decide for this caller and this model?", answered from a description of the request rather
 * than a real one. `gatehouse policy test` and `POST /admin/api/policy/explain` both call explainRequest, so they
 * always agree.
 */
import { z } from 'zod';
import type { GatehouseConfig } from '../config/schema.js';
import { GatehouseError } from '../errors.js';
import type { Endpoint } from '../llm/types.js';
import { compilePolicy, type CompiledPolicy } from './compile.js';
import { evaluate } from './evaluate.js';
import { explain, type Explanation } from './explain.js';
import type { PolicyInput } from './input.js';
import { principalFromJson } from './test-principal.js';

const ENDPOINT_PATHS: Readonly<Record<Endpoint, string>> = {
  chat: '/v1/chat/completions',
  completions: '/v1/completions',
  embeddings: '/v1/embeddings',
  messages: '/v1/messages',
};

export const explainRequestSchema = z.strictObject({
  principal: z.record(z.string(), z.unknown()),
  model: z.string().min(1),
  endpoint: z.enum(['chat', 'completions', 'embeddings', 'messages']).default('chat'),
  ip: z.string().optional(),
  /** ISO 8601; default now. */
  time: z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'expected an ISO 8601 time such as 2026-01-05T10:00:00Z').optional(),
  headers: z.record(z.string(), z.string()).default({}),
  stream: z.boolean().default(false),
  tools: z.boolean().default(false),
  max_tokens: z.number().int().positive().optional(),
  input_tokens: z.number().int().nonnegative().default(0),
});

export type ExplainRequestBody = z.input<typeof explainRequestSchema>;

export interface RequestExplanation extends Explanation {
  /** What was evaluated, as the policy saw it. */
  readonly input: {
    readonly principal: { readonly subject: string; readonly authenticated: boolean; readonly auth_method: string; readonly email: string | null; readonly groups: readonly string[]; readonly claims: Readonly<Record<string, unknown>> };
    readonly model: string;
    readonly model_tags: readonly string[];
    readonly endpoint: Endpoint;
    readonly ip: string | null;
    readonly time: string;
  };
  /** Things that make the answer less meaningful, such as a model the config does not have. */
  readonly warnings: readonly string[];
}

/** Throws GatehouseError GH_ERR_BAD_REQUEST for a malformed body; `policy` defaults to compiling the config's. */
export function explainRequest(config: GatehouseConfig, body: unknown, policy: CompiledPolicy = compilePolicy(config.policies)): RequestExplanation {
  const parsed = explainRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || 'body';
    throw new GatehouseError('GH_ERR_BAD_REQUEST', `${where}: ${issue?.message ?? 'invalid'}`, { param: where });
  }
  const request = parsed.data;
  let principal;
  try {
    principal = principalFromJson(request.principal);
  } catch (error) {
    throw new GatehouseError('GH_ERR_BAD_REQUEST', (error as Error).message, { param: 'principal' });
  }
  const group = config.models.find((model) => model.name === request.model);
  const now = request.time === undefined ? new Date() : new Date(request.time);
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value]));
  const input: PolicyInput = {
    principal,
    request: { method: 'POST', path: ENDPOINT_PATHS[request.endpoint], sourceIp: request.ip, headers, now },
    llm: { model: request.model, modelTags: group?.tags ?? [], endpoint: request.endpoint, stream: request.stream, hasTools: request.tools, maxTokens: request.max_tokens, inputTokens: () => request.input_tokens },
  };
  const warnings = [
    ...(group === undefined ? [`model "${request.model}" is not configured, so it has no tags (and a real request would get 404)`] : []),
    ...(policy.builtIn ? ['the config has no policies key: the built-in rule applies'] : []),
  ];
  return {
    ...explain(evaluate(policy, input)),
    input: {
      principal: { subject: principal.subject, authenticated: principal.authenticated, auth_method: principal.authMethod, email: principal.email ?? null, groups: principal.groups, claims: principal.claims },
      model: request.model,
      model_tags: input.llm?.modelTags ?? [],
      endpoint: request.endpoint,
      ip: request.ip ?? null,
      time: now.toISOString(),
    },
    warnings,
  };
}
