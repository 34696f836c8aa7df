/**
 * The configuration contract (DESIGN.md "Configuration contract"), as a zod schema.
 * Every object is strict so a misspelt key is an error that names its path, not a silent no-op.
 * Durations and sizes are parsed here, once, so the hot path only ever sees numbers.
 */
import { z } from 'zod';
import { auditSchema } from './audit-schema.js';
import { identitySchema, redisSchema } from './identity-schema.js';
import { policiesSchema } from './policy-schema.js';
import { budgetsSchema, limitsSchema } from './quota-schema.js';
import { duration, size } from './schema-units.js';

const listen = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/, 'expected host:port, such as 127.0.0.1:4000')
  .refine((value) => {
    const port = /:(\d{1,5})$/.exec(value)?.[1];
    return port === undefined || Number(port) <= 65_535; // no port at all is the regex's to report
  }, 'the port must be at most 65535');

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });

export const PROVIDER_TYPES = ['openai', 'azure', 'anthropic', 'mock'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

const serverSchema = z.strictObject({
  listen: listen.default('127.0.0.1:4000'),
  public_url: httpUrl.optional(),
  trusted_proxies: z.array(z.string()).default([]),
  body_limit: size.prefault('10mb'),
  /** Bootstrap API keys, normally from the environment. Empty strings (an unset optional variable) are ignored. */
  api_keys: z
    .array(z.string())
    .transform((keys) => keys.filter((key) => key !== ''))
    .prefault([]),
});

const storageSchema = z.strictObject({
  url: z
    .string()
    .regex(/^(sqlite:|postgres:\/\/|postgresql:\/\/)/, 'expected sqlite:PATH, sqlite::memory: or postgres://…')
    .default('sqlite:./data/gatehouse.db'),
  /** How often queued usage records are written, and how many at most per batch. */
  flush_interval: duration.prefault('1s'),
  batch_size: z.number().int().positive().default(500),
});

const providerSchema = z.strictObject({
  type: z.enum(PROVIDER_TYPES, { error: (issue) => `unknown provider type ${JSON.stringify(issue.input)}; expected one of ${PROVIDER_TYPES.join(', ')}` }),
  base_url: httpUrl.optional(),
  api_key: z.string().optional(),
  /** Azure OpenAI: the api-version query parameter. */
  api_version: z.string().optional(),
  /** Extra headers sent upstream on every request (for example an OpenRouter `HTTP-Referer`). */
  headers: z.record(z.string(), z.string()).default({}),
  /** Send the caller's signed identity upstream (identity issue). */
  pass_identity: z.boolean().default(false),
  /** Mock provider: delay before the response (or before the first chunk), and between stream chunks. */
  latency: duration.prefault('0ms'),
  chunk_delay: duration.prefault('0ms'),
  /** Upstream connection pool size per origin. */
  max_connections: z.number().int().positive().default(256),
});

const deploymentSchema = z.strictObject({
  id: z.string().min(1).optional(),
  provider: z.string().min(1),
  model: z.string().min(1),
  region: z.string().optional(),
  weight: z.number().positive().default(1),
  rpm: z.number().int().positive().optional(),
  tpm: z.number().int().positive().optional(),
  input_cost_per_mtok: z.number().nonnegative().optional(),
  output_cost_per_mtok: z.number().nonnegative().optional(),
  timeout: duration.optional(),
});

const modelSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  tags: z.array(z.string()).default([]),
  deployments: z.array(deploymentSchema).min(1, 'a model needs at least one deployment'),
  fallbacks: z.array(z.string()).default([]),
});

const routingSchema = z.strictObject({
  strategy: z.enum(['simple-shuffle', 'least-busy', 'lowest-latency']).default('simple-shuffle'),
  retries: z.number().int().min(0).max(10).default(2),
  /** Whole-request timeout, including a stream's body. */
  timeout: duration.prefault('600s'),
  connect_timeout: duration.prefault('10s'),
  /** Time until the upstream's response headers (and so the first byte) arrive. */
  first_byte_timeout: duration.prefault('120s'),
  backoff: z
    .strictObject({ initial: duration.prefault('250ms'), max: duration.prefault('8s') })
    .prefault({}),
  cooldown: z
    .strictObject({ failures: z.number().int().positive().default(3), for: duration.prefault('30s') })
    .prefault({}),
});

const loggingSchema = z.strictObject({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export const configSchema = z
  .strictObject({
    // prefault({}) runs the section's own schema on {}, so a missing section gets every nested default;
    // .default({}) would hand back a bare {} with none of them.
    server: serverSchema.prefault({}),
    storage: storageSchema.prefault({}),
    secret: z.string().min(16, 'the secret must be at least 16 characters').optional(),
    logging: loggingSchema.prefault({}),
    providers: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'provider names use letters, digits, "-", "_" and "."'), providerSchema).default({}),
    models: z.array(modelSchema).default([]),
    routing: routingSchema.prefault({}),
    redis: redisSchema.optional(),
    limits: limitsSchema.prefault({}),
    budgets: budgetsSchema.prefault({}),
    identity: identitySchema.prefault({}),
    /** Absent: the built-in rule (any authenticated principal may use any model); `[]` denies everything. */
    policies: policiesSchema.optional(),
    audit: auditSchema.prefault({}),
  })
  .superRefine((config, ctx) => {
    const groups = new Set<string>();
    config.models.forEach((model, i) => {
      if (groups.has(model.name)) ctx.addIssue({ code: 'custom', path: ['models', i, 'name'], message: `duplicate model name "${model.name}"` });
      groups.add(model.name);
      const ids = new Set<string>();
      model.deployments.forEach((deployment, j) => {
        if (!(deployment.provider in config.providers)) {
          ctx.addIssue({ code: 'custom', path: ['models', i, 'deployments', j, 'provider'], message: `unknown provider "${deployment.provider}"; configured providers: ${Object.keys(config.providers).join(', ') || 'none'}` });
        }
        const id = deployment.id ?? `${deployment.provider}/${deployment.model}`;
        if (ids.has(id)) ctx.addIssue({ code: 'custom', path: ['models', i, 'deployments', j], message: `duplicate deployment "${id}" in model "${model.name}"; give one an explicit id` });
        ids.add(id);
      });
    });
    config.models.forEach((model, i) => {
      model.fallbacks.forEach((fallback, j) => {
        if (!groups.has(fallback)) ctx.addIssue({ code: 'custom', path: ['models', i, 'fallbacks', j], message: `unknown model "${fallback}"` });
        if (fallback === model.name) ctx.addIssue({ code: 'custom', path: ['models', i, 'fallbacks', j], message: 'a model cannot fall back to itself' });
      });
    });
    const headers = new Set<string>();
    config.identity.bearer.forEach((issuer, i) => {
      const header = (issuer.header ?? 'authorization').toLowerCase();
      const key = `${issuer.issuer} ${header}`;
      if (headers.has(key)) ctx.addIssue({ code: 'custom', path: ['identity', 'bearer', i], message: `issuer "${issuer.issuer}" is configured twice for the same header` });
      headers.add(key);
      if (['x-api-key', 'cookie'].includes(header) || header.startsWith('x-gatehouse-')) ctx.addIssue({ code: 'custom', path: ['identity', 'bearer', i, 'header'], message: `"${issuer.header}" cannot carry a bearer token` });
    });
    const longestRequest = Math.max(config.routing.timeout, ...config.models.flatMap((model) => model.deployments.map((deployment) => deployment.timeout ?? 0)));
    if (config.limits.slot_lease <= longestRequest) ctx.addIssue({ code: 'custom', path: ['limits', 'slot_lease'], message: 'must be longer than the longest request (routing.timeout and any deployment timeout), or a slow request loses its concurrency slot' });
    if (config.budgets.reservation_ttl <= longestRequest) ctx.addIssue({ code: 'custom', path: ['budgets', 'reservation_ttl'], message: 'must be longer than the longest request (routing.timeout and any deployment timeout), or a slow request loses its budget reservation' });
    if (config.budgets.webhook_url !== undefined && config.budgets.soft_limit === undefined) ctx.addIssue({ code: 'custom', path: ['budgets', 'webhook_url'], message: 'needs budgets.soft_limit: the webhook is posted when spend crosses that fraction of a budget' });
    if (config.identity.oidc && !config.secret) ctx.addIssue({ code: 'custom', path: ['secret'], message: 'browser sign-in (identity.oidc) needs a secret of at least 16 characters to protect sessions' });
    for (const [name, provider] of Object.entries(config.providers)) {
      if (provider.type === 'azure' && !provider.base_url) ctx.addIssue({ code: 'custom', path: ['providers', name, 'base_url'], message: 'azure providers need base_url (https://NAME.openai.azure.com)' });
      if (provider.type === 'azure' && !provider.api_version) ctx.addIssue({ code: 'custom', path: ['providers', name, 'api_version'], message: 'azure providers need api_version, such as 2024-10-21' });
    }
  });

export type GatehouseConfig = z.output<typeof configSchema>;
export type ProviderConfig = GatehouseConfig['providers'][string];
export type ModelConfig = GatehouseConfig['models'][number];
export type DeploymentConfig = ModelConfig['deployments'][number];
export type RoutingConfig = GatehouseConfig['routing'];
export type { BudgetsConfig, LimitsConfig } from './quota-schema.js';
export type { BearerIssuerConfig, IdentityConfig, OidcConfig, RedisConfig } from './identity-schema.js';
