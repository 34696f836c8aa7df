/**
 * The built-in mock model: no network, deterministic replies in OpenAI's wire format (JSON and SSE), optional
 * latency before the first byte and between stream chunks. Used by the demo and by tests.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProviderConfig } from '../../config/schema.js';
import type { Endpoint, JsonObject } from '../../llm/types.js';
import type { Provider, UpstreamRequest, UpstreamResponse } from '../types.js';
import { mockBody } from './body.js';
import { chatReply, completionReply, embeddingVector, estimateTokens, type MockReply } from './replies.js';

const MOCK_ENDPOINTS: ReadonlySet<Endpoint> = new Set(['chat', 'completions', 'embeddings']);

export function createMockProvider(name: string, config: ProviderConfig): Provider {
  return {
    name,
    type: 'mock',
    dialect: 'openai',
    config,
    audience: 'mock',
    supports: (endpoint) => MOCK_ENDPOINTS.has(endpoint),
    async send(request: UpstreamRequest): Promise<UpstreamResponse> {
      if (config.latency > 0) await sleep(config.latency, undefined, { signal: request.signal });
      const parts = respond(request);
      const headers = request.stream ? { 'content-type': 'text/event-stream' } : { 'content-type': 'application/json' };
      return { status: 200, headers, body: mockBody(parts, config.chunk_delay, request.signal) };
    },
    close: async () => {},
  };
}

function respond(request: UpstreamRequest): string[] {
  const { body, model } = request;
  if (request.endpoint === 'embeddings') return [JSON.stringify(embeddings(body, model))];
  const reply = request.endpoint === 'completions' ? completionReply(body) : chatReply(body);
  if (!request.stream) return [JSON.stringify(request.endpoint === 'completions' ? completion(reply, model) : chatCompletion(reply, model))];
  const includeUsage = typeof body.stream_options === 'object' && body.stream_options !== null && !Array.isArray(body.stream_options) && body.stream_options.include_usage === true;
  return request.endpoint === 'completions' ? completionChunks(reply, model, includeUsage) : chatChunks(reply, model, includeUsage);
}

function usage(reply: MockReply): JsonObject {
  return { prompt_tokens: reply.inputTokens, completion_tokens: reply.outputTokens, total_tokens: reply.inputTokens + reply.outputTokens };
}

function chatCompletion(reply: MockReply, model: string): JsonObject {
  const toolCalls = reply.toolCall ? [{ id: callId(), type: 'function', function: { ...reply.toolCall } }] : undefined;
  return {
    id: `chatcmpl-${randomUUID()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: reply.toolCall ? null : reply.text, ...(toolCalls && { tool_calls: toolCalls }), refusal: null }, logprobs: null, finish_reason: reply.toolCall ? 'tool_calls' : 'stop' }],
    usage: usage(reply),
  };
}

function completion(reply: MockReply, model: string): JsonObject {
  return {
    id: `cmpl-${randomUUID()}`,
    object: 'text_completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, text: reply.text, logprobs: null, finish_reason: 'stop' }],
    usage: usage(reply),
  };
}

function chatChunks(reply: MockReply, model: string, includeUsage: boolean): string[] {
  const base = { id: `chatcmpl-${randomUUID()}`, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model };
  const chunk = (delta: JsonObject, finish: string | null): string =>
    frame({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...(includeUsage && { usage: null }) });
  const frames = [chunk({ role: 'assistant', content: '' }, null)];
  if (reply.toolCall) {
    const args = reply.toolCall.arguments;
    const half = Math.ceil(args.length / 2);
    frames.push(chunk({ tool_calls: [{ index: 0, id: callId(), type: 'function', function: { name: reply.toolCall.name, arguments: '' } }] }, null));
    for (const piece of [args.slice(0, half), args.slice(half)]) frames.push(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }, null));
  } else {
    for (const word of words(reply.text)) frames.push(chunk({ content: word }, null));
  }
  frames.push(chunk({}, reply.toolCall ? 'tool_calls' : 'stop'));
  if (includeUsage) frames.push(frame({ ...base, choices: [], usage: usage(reply) }));
  frames.push('data: [DONE]\n\n');
  return frames;
}

function completionChunks(reply: MockReply, model: string, includeUsage: boolean): string[] {
  const base = { id: `cmpl-${randomUUID()}`, object: 'text_completion', created: Math.floor(Date.now() / 1000), model };
  const frames = words(reply.text).map((word) => frame({ ...base, choices: [{ index: 0, text: word, logprobs: null, finish_reason: null }] }));
  frames.push(frame({ ...base, choices: [{ index: 0, text: '', logprobs: null, finish_reason: 'stop' }] }));
  if (includeUsage) frames.push(frame({ ...base, choices: [], usage: usage(reply) }));
  frames.push('data: [DONE]\n\n');
  return frames;
}

function embeddings(body: JsonObject, model: string): JsonObject {
  const inputs = Array.isArray(body.input) ? body.input.map((i) => (typeof i === 'string' ? i : JSON.stringify(i))) : [String(body.input ?? '')];
  const dimensions = typeof body.dimensions === 'number' && body.dimensions > 0 ? Math.min(body.dimensions, 4096) : 16;
  const tokens = inputs.reduce((sum, input) => sum + estimateTokens(input), 0);
  return {
    object: 'list',
    // The OpenAI SDKs ask for base64 by default: little-endian float32s, as OpenAI sends them.
    data: inputs.map((input, index) => {
      const vector = embeddingVector(input, dimensions);
      const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
      return { object: 'embedding', index, embedding };
    }),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

/** Split text into word-sized pieces that concatenate back to the original. */
function words(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [''];
}

function frame(data: JsonObject): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

function callId(): string {
  return `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
}
