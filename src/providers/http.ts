/**
 * The HTTP client every HTTP provider shares: one undici pool per provider (keep-alive, bounded connections),
 * never a client per request. It turns transport problems into `UpstreamFailure`s the router understands and
 * returns every HTTP status as is; what a status means is decided by the caller.
 */
import { Pool, errors as undiciErrors } from 'undici';
import type { UpstreamRequest, UpstreamResponse } from './types.js';
import { UpstreamFailure } from './upstream-failure.js';

export interface UpstreamHttpOptions {
  /** Origin plus optional path prefix, e.g. `https://api.openai.com/v1`. */
  baseUrl: string;
  connectTimeoutMs: number;
  maxConnections: number;
}

export class UpstreamHttp {
  private readonly pool: Pool;
  private readonly pathPrefix: string;
  readonly origin: string;
  readonly host: string;

  constructor(options: UpstreamHttpOptions) {
    const url = new URL(options.baseUrl);
    this.origin = url.origin;
    this.host = url.host;
    this.pathPrefix = url.pathname.replace(/\/+$/, '');
    this.pool = new Pool(url.origin, {
      connections: options.maxConnections,
      connectTimeout: options.connectTimeoutMs,
      keepAliveTimeout: 30_000,
      pipelining: 1,
    });
  }

  /**
   * POST a JSON body to `path` (relative to the base URL's path). Response headers must arrive within the request's
   * first-byte timeout; after that, only the request's signal (client disconnect, total timeout) stops the body.
   */
  async post(path: string, body: string, headers: Record<string, string>, request: UpstreamRequest): Promise<UpstreamResponse> {
    try {
      const response = await this.pool.request({
        path: this.pathPrefix + path,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
        signal: request.signal,
        headersTimeout: request.firstByteTimeoutMs,
        bodyTimeout: 0,
      });
      return { status: response.statusCode, headers: response.headers, body: response.body };
    } catch (error) {
      throw classifyTransportError(error, request.signal);
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

function classifyTransportError(error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    if (reason instanceof UpstreamFailure) return reason;
    return error; // the client went away: nothing to retry, nothing to classify
  }
  if (error instanceof undiciErrors.HeadersTimeoutError) {
    return new UpstreamFailure('first_byte_timeout', 'no response headers within the first-byte timeout', { cause: error });
  }
  if (error instanceof undiciErrors.ConnectTimeoutError) {
    return new UpstreamFailure('connect', 'connect timeout', { cause: error });
  }
  const code = (error as { code?: string } | undefined)?.code;
  return new UpstreamFailure('connect', `connection failed${code ? ` (${code})` : ''}`, { cause: error });
}
