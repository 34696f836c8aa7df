/**
 * The normalize stage: a client's body → a validated `LlmRequest`. The body itself is kept as sent, so
 * same-dialect traffic loses nothing; validation errors are 400s that name the field.
 */
import type { z } from 'zod';
import { GatehouseError } from '../errors.js';
import { anthropicMessagesSchema } from './dialects/anthropic.js';
import { openaiChatSchema, openaiCompletionSchema, openaiEmbeddingSchema } from './dialects/openai.js';
import { ENDPOINT_DIALECT, type Endpoint, type JsonObject, type LlmRequest } from './types.js';

const SCHEMAS: Record<Endpoint, z.ZodType> = {
  chat: openaiChatSchema,
  completions: openaiCompletionSchema,
  embeddings: openaiEmbeddingSchema,
  messages: anthropicMessagesSchema,
};

/**
 * Fields some gateways let a client use to pick the upstream or its credentials. Gatehouse never does: the
 * operator chooses upstreams and keys, so a request carrying one is refused rather than silently ignored.
 */
const FORBIDDEN_FIELDS = ['api_base', 'base_url', 'api_key', 'api_version', 'azure_endpoint', 'custom_llm_provider', 'aws_access_key_id', 'aws_secret_access_key', 'vertex_credentials'];

export function normalize(endpoint: Endpoint, body: unknown): LlmRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GatehouseError('GH_ERR_BAD_REQUEST', 'The request body must be a JSON object.');
  }
  const object = body as JsonObject;
  for (const field of FORBIDDEN_FIELDS) {
    if (object[field] !== undefined) throw new GatehouseError('GH_ERR_FORBIDDEN_FIELD', `"${field}" cannot be set by clients: the gateway chooses upstreams and their credentials.`, { param: field });
  }
  const result = SCHEMAS[endpoint].safeParse(object);
  if (!result.success) throw validationError(result.error);

  const stream = object.stream === true;
  const streamOptions = object.stream_options;
  const maxTokens = object.max_completion_tokens ?? object.max_tokens;
  return {
    endpoint,
    dialect: ENDPOINT_DIALECT[endpoint],
    model: object.model as string,
    stream: endpoint !== 'embeddings' && stream,
    clientWantsStreamUsage: typeof streamOptions === 'object' && streamOptions !== null && !Array.isArray(streamOptions) && streamOptions.include_usage === true,
    maxTokens: typeof maxTokens === 'number' ? maxTokens : undefined,
    hasTools: Array.isArray(object.tools) && object.tools.length > 0,
    body: object,
  };
}

function validationError(error: z.ZodError): GatehouseError {
  const issue = error.issues[0];
  const param = issue ? formatPath(issue.path) : undefined;
  const what = issue?.code === 'invalid_type' && issue.input === undefined ? 'is required' : (issue?.message ?? 'is invalid');
  const message = param ? `Invalid request: ${param}: ${what}` : `Invalid request: ${what}`;
  return new GatehouseError('GH_ERR_BAD_REQUEST', message, param ? { param } : {});
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}
