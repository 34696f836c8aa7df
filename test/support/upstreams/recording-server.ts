/**
 * The part every fake upstream shares: a real node:http server on 127.0.0.1 (port 0) that records each request it
 * receives and can be scripted per test to misbehave (fail with a status, delay its headers, hang, stream slowly,
 * cut a stream short). The dialect-specific servers only decide what a successful answer looks like.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { JsonObject } from '../../../src/llm/types.js';

export interface RecordedRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body; undefined when the body was empty or not JSON. */
  body: JsonObject | undefined;
  /** True once the connection closed before this request's response was complete (the gateway gave up on it). */
  abandoned: boolean;
  /** Resolves when the response finished or the connection closed, whichever comes first. */
  settled: Promise<'finished' | 'abandoned'>;
}

/** How the upstream answers one request, instead of its normal answer. */
export type Behaviour =
  /** Answer with this status and an error body (the dialect's default error body unless `body` is given). */
  | { kind: 'status'; status: number; body?: JsonObject | string; headers?: Record<string, string> }
  /** Wait before sending the normal answer's headers. */
  | { kind: 'delay'; ms: number }
  /** Never answer; the socket stays open until the client gives up or the server closes. */
  | { kind: 'hang' }
  /** Stream the first `chunks` frames of the normal stream, then destroy the socket. */
  | { kind: 'cut'; chunks: number }
  /** Stream the normal answer with a pause before every frame. */
  | { kind: 'slow'; chunkDelayMs: number };

/** What a dialect server writes for a request it answers normally. */
export interface NormalAnswer {
  /** A whole JSON body, or SSE frames (each a complete `…\n\n` block) for a stream. */
  json?: JsonObject;
  frames?: string[];
}

export abstract class RecordingServer {
  readonly requests: RecordedRequest[] = [];
  private readonly queue: Behaviour[] = [];
  private standing: Behaviour | undefined;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** The normal answer for this request, or undefined when the path is not served (404). */
  protected abstract answer(request: RecordedRequest): NormalAnswer | undefined;

  /** The body of an error answer with this status, in the dialect's shape. */
  protected abstract errorBody(status: number): JsonObject;

  async listen(): Promise<this> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Origin, e.g. http://127.0.0.1:43210 */
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** How many requests this server has received. */
  get count(): number {
    return this.requests.length;
  }

  get last(): RecordedRequest | undefined {
    return this.requests.at(-1);
  }

  /** The next requests, one behaviour each, in order; afterwards the standing behaviour (or normal answers). */
  enqueue(...behaviours: Behaviour[]): void {
    this.queue.push(...behaviours);
  }

  /** Fail the next `n` requests with `status` (and a `retry-after` header when given, in seconds). */
  failNext(n: number, status: number, retryAfterSeconds?: number): void {
    const headers = retryAfterSeconds === undefined ? undefined : { 'retry-after': String(retryAfterSeconds) };
    for (let i = 0; i < n; i++) this.queue.push({ kind: 'status', status, ...(headers && { headers }) });
  }

  /** A behaviour for every request once the queue is empty; undefined restores normal answers. */
  always(behaviour: Behaviour | undefined): void {
    this.standing = behaviour;
  }

  /** Forget recorded requests and scripted behaviours. */
  reset(): void {
    this.requests.length = 0;
    this.queue.length = 0;
    this.standing = undefined;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.server.close();
    await once(this.server, 'close').catch(() => undefined);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const recorded = await this.record(req, res);
    const behaviour = this.queue.shift() ?? this.standing;
    if (behaviour?.kind === 'hang') return;
    if (behaviour?.kind === 'status') return this.sendError(res, behaviour);
    if (behaviour?.kind === 'delay') await sleep(behaviour.ms);
    if (res.destroyed) return;
    const answer = this.answer(recorded);
    if (!answer) return this.sendJson(res, 404, this.errorBody(404));
    if (answer.json) return this.sendJson(res, 200, answer.json);
    await this.sendStream(res, answer.frames ?? [], behaviour);
  }

  private async record(req: IncomingMessage, res: ServerResponse): Promise<RecordedRequest> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://upstream.invalid');
    let resolveSettled: (how: 'finished' | 'abandoned') => void = () => undefined;
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: parseJson(Buffer.concat(chunks).toString('utf8')),
      abandoned: false,
      settled: new Promise((resolve) => (resolveSettled = resolve)),
    };
    res.on('close', () => {
      recorded.abandoned = !res.writableFinished;
      resolveSettled(recorded.abandoned ? 'abandoned' : 'finished');
    });
    this.requests.push(recorded);
    return recorded;
  }

  private sendError(res: ServerResponse, behaviour: Extract<Behaviour, { kind: 'status' }>): void {
    const body = behaviour.body ?? this.errorBody(behaviour.status);
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(behaviour.status, { 'content-type': 'application/json', ...behaviour.headers });
    res.end(text);
  }

  private sendJson(res: ServerResponse, status: number, body: JsonObject): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private async sendStream(res: ServerResponse, frames: string[], behaviour: Behaviour | undefined): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    const delay = behaviour?.kind === 'slow' ? behaviour.chunkDelayMs : 0;
    for (const [i, frame] of frames.entries()) {
      if (behaviour?.kind === 'cut' && i === behaviour.chunks) {
        // Let the frames already written reach the gateway before the connection breaks.
        await sleep(50);
        res.destroy();
        return;
      }
      if (delay > 0) await sleep(delay);
      if (res.destroyed) return;
      res.write(frame);
    }
    res.end();
  }
}

function parseJson(text: string): JsonObject | undefined {
  if (text.length === 0) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One SSE frame: `event:` line when named, then the JSON (or literal) data. */
export function sseFrame(data: JsonObject | string, event?: string): string {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  return event === undefined ? `data: ${text}\n\n` : `event: ${event}\ndata: ${text}\n\n`;
}
