/**
 * A fake OpenAI-compatible upstream: chat completions (JSON and SSE, honouring `stream_options.include_usage`),
 * legacy completions and embeddings (float or base64), under `/v1/…` and under Azure's
 * `/openai/deployments/{deployment}/…?api-version=…` paths. Its answers are deterministic so tests can assert on
 * exactly what a client receives:
 * - a conversation whose last message is a tool result gets `Tool said: <result>`;
 * - a request that offers tools gets one call to the first tool with arguments `{"city":"Paris"}`;
 * - anything else gets `Hello! You said: <last user text>`;
 * - `max_tokens: 1` ends with `finish_reason: "length"`.
 */
import type { JsonObject } from '../../../src/llm/types.js';
import { splitInto, textOf, TOOL_ARGUMENTS } from './reply-parts.js';
import { RecordingServer, sseFrame, type NormalAnswer, type RecordedRequest } from './recording-server.js';

export interface OpenaiUsage {
  prompt: number;
  completion: number;
}

/** Exactly representable as float32, so a base64 round trip gives back the same numbers. */
export const EMBEDDING_VECTOR = [0.5, -0.25, 1, 2];
const CREATED = 1_750_000_000;

export class OpenaiUpstream extends RecordingServer {
  /** Token counts every answer reports. */
  usage: OpenaiUsage = { prompt: 12, completion: 5 };

  /** Base URL for an `openai` provider: origin plus `/v1`. */
  get baseUrl(): string {
    return `${this.origin}/v1`;
  }

  static async start(): Promise<OpenaiUpstream> {
    return new OpenaiUpstream().listen();
  }

  protected errorBody(status: number): JsonObject {
    return { error: { message: `upstream failure ${status}`, type: status === 429 ? 'rate_limit_exceeded' : 'server_error', param: null, code: null } };
  }

  protected answer(request: RecordedRequest): NormalAnswer | undefined {
    const body = request.body ?? {};
    const azure = /^\/openai\/deployments\/([^/]+)(\/.*)$/.exec(request.path);
    const endpoint = azure ? azure[2] : request.path.replace(/^\/v1/, '');
    const model = azure ? decodeURIComponent(azure[1] ?? '') : String(body.model ?? 'unknown');
    if (endpoint === '/chat/completions') return this.chat(body, model);
    if (endpoint === '/completions') return { json: this.completion(body, model) };
    if (endpoint === '/embeddings') return { json: this.embeddings(body, model) };
    return undefined;
  }

  private usageJson(): JsonObject {
    const { prompt, completion } = this.usage;
    return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  }

  private chat(body: JsonObject, model: string): NormalAnswer {
    const reply = chatReply(body);
    const n = typeof body.n === 'number' ? body.n : 1;
    if (body.stream === true) return { frames: this.chatFrames(body, model, reply) };
    const message: JsonObject = { role: 'assistant', content: reply.text ?? null, refusal: null };
    if (reply.toolCall) message.tool_calls = [{ id: 'call_up_1', type: 'function', function: { name: reply.toolCall, arguments: TOOL_ARGUMENTS } }];
    const choices = Array.from({ length: n }, (_, index) => ({ index, message, logprobs: null, finish_reason: reply.finish }));
    return { json: { id: 'chatcmpl-up-1', object: 'chat.completion', created: CREATED, model, choices, usage: this.usageJson(), system_fingerprint: 'fp_upstream' } };
  }

  private chatFrames(body: JsonObject, model: string, reply: ChatReply): string[] {
    const streamOptions = body.stream_options as JsonObject | undefined;
    const includeUsage = streamOptions?.include_usage === true;
    const chunk = (delta: JsonObject, finish: string | null = null): string => {
      const frame: JsonObject = { id: 'chatcmpl-up-1', object: 'chat.completion.chunk', created: CREATED, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] };
      // Real OpenAI marks every chunk with `usage: null` once usage was asked for.
      if (includeUsage) frame.usage = null;
      return sseFrame(frame);
    };
    const frames = [chunk({ role: 'assistant', content: '' })];
    if (reply.text !== undefined) for (const piece of splitInto(reply.text, 3)) frames.push(chunk({ content: piece }));
    if (reply.toolCall) {
      frames.push(chunk({ tool_calls: [{ index: 0, id: 'call_up_1', type: 'function', function: { name: reply.toolCall, arguments: '' } }] }));
      for (const piece of splitInto(TOOL_ARGUMENTS, 3)) frames.push(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
    }
    frames.push(chunk({}, reply.finish));
    if (includeUsage) frames.push(sseFrame({ id: 'chatcmpl-up-1', object: 'chat.completion.chunk', created: CREATED, model, choices: [], usage: this.usageJson() }));
    frames.push(sseFrame('[DONE]'));
    return frames;
  }

  private completion(body: JsonObject, model: string): JsonObject {
    const prompt = Array.isArray(body.prompt) ? String(body.prompt[0]) : String(body.prompt ?? '');
    return {
      id: 'cmpl-up-1',
      object: 'text_completion',
      created: CREATED,
      model,
      choices: [{ index: 0, text: ` completion of: ${prompt}`, logprobs: null, finish_reason: 'stop' }],
      usage: this.usageJson(),
    };
  }

  private embeddings(body: JsonObject, model: string): JsonObject {
    const inputs = Array.isArray(body.input) ? body.input : [body.input ?? ''];
    const base64 = body.encoding_format === 'base64';
    const data = inputs.map((_, index) => ({
      object: 'embedding',
      index,
      embedding: base64 ? Buffer.from(new Float32Array(EMBEDDING_VECTOR).buffer).toString('base64') : EMBEDDING_VECTOR,
    }));
    return { object: 'list', data, model, usage: { prompt_tokens: this.usage.prompt, total_tokens: this.usage.prompt } };
  }
}

interface ChatReply {
  text: string | undefined;
  toolCall: string | undefined;
  finish: string;
}

function chatReply(body: JsonObject): ChatReply {
  const messages = Array.isArray(body.messages) ? (body.messages as JsonObject[]) : [];
  const last = messages.at(-1);
  const tools = Array.isArray(body.tools) ? (body.tools as JsonObject[]) : [];
  const limited = body.max_tokens === 1 || body.max_completion_tokens === 1;
  if (last?.role === 'tool') return { text: `Tool said: ${textOf(last.content)}`, toolCall: undefined, finish: limited ? 'length' : 'stop' };
  const firstTool = (tools[0]?.function as JsonObject | undefined)?.name;
  if (typeof firstTool === 'string') return { text: undefined, toolCall: firstTool, finish: 'tool_calls' };
  const lastUser = [...messages].reverse().find((message) => message.role === 'user');
  return { text: `Hello! You said: ${textOf(lastUser?.content)}`, toolCall: undefined, finish: limited ? 'length' : 'stop' };
}
