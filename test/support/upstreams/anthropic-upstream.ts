/**
 * A fake Anthropic Messages upstream: `POST /v1/messages`, whole JSON or the real SSE event sequence
 * (message_start, content_block_start / content_block_delta… / content_block_stop for text and for tool_use fed by
 * input_json_delta pieces, message_delta with stop_reason and usage, message_stop). Deterministic answers:
 * - a last user turn holding a tool_result gets `Tool said: <result>`;
 * - a request that offers tools gets `Let me check.` and one tool_use of the first tool with input {"city":"Paris"};
 * - anything else gets `Hello! You said: <last user text>`;
 * - `max_tokens: 1` ends with `stop_reason: "max_tokens"`.
 */
import type { JsonObject } from '../../../src/llm/types.js';
import { splitInto, textOf, TOOL_ARGUMENTS } from './reply-parts.js';
import { RecordingServer, sseFrame, type NormalAnswer, type RecordedRequest } from './recording-server.js';

export interface AnthropicUsage {
  input: number;
  output: number;
}

const ERROR_TYPES: Record<number, string> = { 400: 'invalid_request_error', 401: 'authentication_error', 404: 'not_found_error', 429: 'rate_limit_error', 529: 'overloaded_error' };

interface MessageReply {
  text: string | undefined;
  toolUse: string | undefined;
  stopReason: string;
}

export class AnthropicUpstream extends RecordingServer {
  usage: AnthropicUsage = { input: 21, output: 9 };

  static async start(): Promise<AnthropicUpstream> {
    return new AnthropicUpstream().listen();
  }

  /** Base URL for an `anthropic` provider (the provider adds `/v1`). */
  get baseUrl(): string {
    return this.origin;
  }

  protected errorBody(status: number): JsonObject {
    return { type: 'error', error: { type: ERROR_TYPES[status] ?? 'api_error', message: `upstream failure ${status}` } };
  }

  protected answer(request: RecordedRequest): NormalAnswer | undefined {
    if (request.path !== '/v1/messages') return undefined;
    const body = request.body ?? {};
    const model = String(body.model ?? 'unknown');
    const reply = messageReply(body);
    if (body.stream === true) return { frames: this.frames(model, reply) };
    const content: JsonObject[] = [];
    if (reply.text !== undefined) content.push({ type: 'text', text: reply.text });
    if (reply.toolUse) content.push({ type: 'tool_use', id: 'toolu_up_1', name: reply.toolUse, input: JSON.parse(TOOL_ARGUMENTS) as JsonObject });
    return {
      json: { id: 'msg_up_1', type: 'message', role: 'assistant', model, content, stop_reason: reply.stopReason, stop_sequence: null, usage: { input_tokens: this.usage.input, output_tokens: this.usage.output } },
    };
  }

  private frames(model: string, reply: MessageReply): string[] {
    const message = { id: 'msg_up_1', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: this.usage.input, output_tokens: 1 } };
    const frames = [event('message_start', { message }), event('ping', {})];
    let index = 0;
    if (reply.text !== undefined) {
      frames.push(event('content_block_start', { index, content_block: { type: 'text', text: '' } }));
      for (const text of splitInto(reply.text, 3)) frames.push(event('content_block_delta', { index, delta: { type: 'text_delta', text } }));
      frames.push(event('content_block_stop', { index }));
      index++;
    }
    if (reply.toolUse) {
      frames.push(event('content_block_start', { index, content_block: { type: 'tool_use', id: 'toolu_up_1', name: reply.toolUse, input: {} } }));
      frames.push(event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: '' } }));
      for (const piece of splitInto(TOOL_ARGUMENTS, 3)) frames.push(event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } }));
      frames.push(event('content_block_stop', { index }));
    }
    frames.push(event('message_delta', { delta: { stop_reason: reply.stopReason, stop_sequence: null }, usage: { output_tokens: this.usage.output } }));
    frames.push(event('message_stop', {}));
    return frames;
  }
}

function event(type: string, payload: JsonObject): string {
  return sseFrame({ type, ...payload }, type);
}

function messageReply(body: JsonObject): MessageReply {
  const messages = Array.isArray(body.messages) ? (body.messages as JsonObject[]) : [];
  const last = messages.at(-1);
  const blocks = Array.isArray(last?.content) ? (last.content as JsonObject[]) : [];
  const limited = body.max_tokens === 1;
  const toolResult = blocks.find((block) => block.type === 'tool_result');
  if (toolResult) return { text: `Tool said: ${textOf(toolResult.content)}`, toolUse: undefined, stopReason: limited ? 'max_tokens' : 'end_turn' };
  const tools = Array.isArray(body.tools) ? (body.tools as JsonObject[]) : [];
  const firstTool = tools[0]?.name;
  if (typeof firstTool === 'string') return { text: 'Let me check.', toolUse: firstTool, stopReason: 'tool_use' };
  const lastUser = [...messages].reverse().find((message) => message.role === 'user');
  return { text: `Hello! You said: ${textOf(lastUser?.content)}`, toolUse: undefined, stopReason: limited ? 'max_tokens' : 'end_turn' };
}
