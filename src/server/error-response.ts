/**
 * Renders any error as the client's SDK expects it: OpenAI's `{error:{message,type,param,code}}` on OpenAI
 * routes, Anthropic's `{type:"error",error:{type,message}}` on `/v1/messages`. Only a GatehouseError's own
 * message reaches a client; anything else becomes a generic 500 and is logged without its stack.
 */
import { ERROR_CODES, GatehouseError, type ErrorCode } from '../errors.js';
import type { Dialect } from '../llm/types.js';

export interface RenderedError {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Codes that OpenAI clients know by name; others are sent as Gatehouse codes in lower case. */
const OPENAI_CODES: Partial<Record<ErrorCode, string>> = {
  GH_ERR_AUTH_MISSING: 'invalid_api_key',
  GH_ERR_AUTH_INVALID: 'invalid_api_key',
  GH_ERR_MODEL_NOT_FOUND: 'model_not_found',
  GH_ERR_UPSTREAM_RATE_LIMITED: 'rate_limit_exceeded',
  GH_ERR_RATE_LIMITED: 'rate_limit_exceeded',
  GH_ERR_BUDGET_EXCEEDED: 'insufficient_quota',
};

export function renderError(error: GatehouseError, dialect: Dialect, requestId: string): RenderedError {
  const spec = ERROR_CODES[error.code];
  const headers: Record<string, string> = { ...error.headers, 'content-type': 'application/json; charset=utf-8', 'x-gatehouse-error': error.code };
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterSeconds)));
  const body =
    dialect === 'anthropic'
      ? { type: 'error', error: { type: spec.anthropicType, message: error.message }, request_id: requestId }
      : { error: { message: error.message, type: spec.openaiType, param: error.param ?? null, code: OPENAI_CODES[error.code] ?? error.code.toLowerCase() } };
  return { status: error.status, headers, body: JSON.stringify(body) };
}

interface FrameworkError {
  code?: string;
  statusCode?: number;
  name?: string;
}

/** Errors raised by Fastify itself (body parsing, limits) mapped to our codes; anything unknown is internal. */
export function toGatehouseError(error: unknown): GatehouseError {
  if (error instanceof GatehouseError) return error;
  const { code, statusCode, name } = (error ?? {}) as FrameworkError;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE' || statusCode === 413) return new GatehouseError('GH_ERR_BODY_TOO_LARGE');
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new GatehouseError('GH_ERR_BAD_REQUEST', 'The request body must be JSON (Content-Type: application/json).');
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return new GatehouseError('GH_ERR_BAD_JSON', 'The request body is empty; a JSON object is required.');
  if (name === 'SyntaxError' || code === 'FST_ERR_CTP_INVALID_JSON_BODY') return new GatehouseError('GH_ERR_BAD_JSON');
  if (statusCode === 400 && code?.startsWith('FST_ERR_CTP')) return new GatehouseError('GH_ERR_BAD_REQUEST');
  return new GatehouseError('GH_ERR_INTERNAL', undefined, { cause: error });
}

export function dialectOfPath(url: string): Dialect {
  return url.startsWith('/v1/messages') ? 'anthropic' : 'openai';
}
