/**
 * Every error a client can see, in one registry. Each code has its HTTP status, the error `type` each client
 * dialect expects, and a default message. A test checks that every code is documented in docs/errors.md.
 */

export interface ErrorSpec {
  status: number;
  /** `error.type` in OpenAI's shape. */
  openaiType: string;
  /** `error.type` in Anthropic's shape. */
  anthropicType: string;
  message: string;
}

export const ERROR_CODES = {
  GH_ERR_AUTH_MISSING: { status: 401, openaiType: 'authentication_error', anthropicType: 'authentication_error', message: 'No API key or credential was provided.' },
  GH_ERR_AUTH_INVALID: { status: 401, openaiType: 'authentication_error', anthropicType: 'authentication_error', message: 'Invalid credential.' },
  GH_ERR_POLICY_DENIED: { status: 403, openaiType: 'permission_error', anthropicType: 'permission_error', message: 'Access denied by policy.' },
  GH_ERR_BAD_JSON: { status: 400, openaiType: 'invalid_request_error', anthropicType: 'invalid_request_error', message: 'The request body is not valid JSON.' },
  GH_ERR_BAD_REQUEST: { status: 400, openaiType: 'invalid_request_error', anthropicType: 'invalid_request_error', message: 'Invalid request.' },
  GH_ERR_FORBIDDEN_FIELD: { status: 400, openaiType: 'invalid_request_error', anthropicType: 'invalid_request_error', message: 'This field cannot be set by clients.' },
  GH_ERR_BODY_TOO_LARGE: { status: 413, openaiType: 'invalid_request_error', anthropicType: 'request_too_large', message: 'The request body is too large.' },
  GH_ERR_NOT_FOUND: { status: 404, openaiType: 'invalid_request_error', anthropicType: 'not_found_error', message: 'Not found.' },
  GH_ERR_MODEL_NOT_FOUND: { status: 404, openaiType: 'invalid_request_error', anthropicType: 'not_found_error', message: 'The model does not exist.' },
  GH_ERR_ENDPOINT_UNSUPPORTED: { status: 400, openaiType: 'invalid_request_error', anthropicType: 'invalid_request_error', message: 'The model does not support this endpoint.' },
  GH_ERR_UPSTREAM_REJECTED: { status: 400, openaiType: 'invalid_request_error', anthropicType: 'invalid_request_error', message: 'The model provider rejected the request.' },
  GH_ERR_RATE_LIMITED: { status: 429, openaiType: 'rate_limit_error', anthropicType: 'rate_limit_error', message: 'Rate limit reached; try again later.' },
  GH_ERR_BUDGET_EXCEEDED: { status: 429, openaiType: 'insufficient_quota', anthropicType: 'rate_limit_error', message: 'Budget exhausted for this period.' },
  GH_ERR_LIMITS_UNAVAILABLE: { status: 503, openaiType: 'api_error', anthropicType: 'overloaded_error', message: 'Rate limits cannot be checked right now; try again shortly.' },
  GH_ERR_UPSTREAM_RATE_LIMITED: { status: 429, openaiType: 'rate_limit_error', anthropicType: 'rate_limit_error', message: 'The model provider is rate limiting requests; try again later.' },
  GH_ERR_UPSTREAM_AUTH: { status: 502, openaiType: 'api_error', anthropicType: 'api_error', message: 'The gateway could not authenticate to the model provider.' },
  GH_ERR_UPSTREAM_ERROR: { status: 502, openaiType: 'api_error', anthropicType: 'api_error', message: 'The model provider returned an error.' },
  GH_ERR_UPSTREAM_UNAVAILABLE: { status: 503, openaiType: 'api_error', anthropicType: 'overloaded_error', message: 'No deployment of this model is available right now.' },
  GH_ERR_UPSTREAM_TIMEOUT: { status: 504, openaiType: 'api_error', anthropicType: 'api_error', message: 'The model provider did not answer in time.' },
  GH_ERR_NOT_READY: { status: 503, openaiType: 'api_error', anthropicType: 'api_error', message: 'The gateway is not ready.' },
  GH_ERR_INTERNAL: { status: 500, openaiType: 'api_error', anthropicType: 'api_error', message: 'Internal error.' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface GatehouseErrorOptions {
  /** The request field at fault, as OpenAI's `error.param`. */
  param?: string;
  /** Seconds a client should wait before retrying (sent as `retry-after`). */
  retryAfterSeconds?: number;
  /** Further response headers, such as the `x-ratelimit-*` of a rate-limit refusal. */
  headers?: Readonly<Record<string, string>>;
  /** Why, for logs only: never sent to the client. */
  detail?: string;
  cause?: unknown;
}

/** An error with a stable code whose message is safe to show a client. */
export class GatehouseError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly param: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly headers: Readonly<Record<string, string>> | undefined;
  readonly detail: string | undefined;

  constructor(code: ErrorCode, message?: string, options: GatehouseErrorOptions = {}) {
    super(message ?? ERROR_CODES[code].message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatehouseError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.param = options.param;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.headers = options.headers;
    this.detail = options.detail;
  }
}
