/**
 * What the built-in mock model says: deterministic, so the demo and tests can predict it.
 * - chat: "You said: <the last user message>", or a call to the first offered tool (or the one `tool_choice`
 *   forces) when tools are offered and the conversation does not end with a tool result;
 * - completions: "You said: <prompt>";
 * - embeddings: a unit vector derived from a hash of each input.
 * Token counts are estimated at four characters a token.
 */
import { createHash } from 'node:crypto';
import type { JsonObject, JsonValue } from '../../llm/types.js';

export interface MockToolCall {
  name: string;
  arguments: string;
}

export interface MockReply {
  text: string;
  toolCall: MockToolCall | undefined;
  inputTokens: number;
  outputTokens: number;
}

export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4);
}

export function chatReply(body: JsonObject): MockReply {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const inputTokens = estimateTokens(JSON.stringify(messages));
  const last = messages[messages.length - 1];
  const endsWithToolResult = isObject(last) && last.role === 'tool';
  const tool = endsWithToolResult ? undefined : chosenTool(body);
  if (tool) {
    const call = { name: tool.name, arguments: JSON.stringify(argumentsFor(tool.parameters, lastUserText(messages))) };
    return { text: '', toolCall: call, inputTokens, outputTokens: estimateTokens(call.name + call.arguments) };
  }
  const text = endsWithToolResult ? `Tool result received: ${contentText(isObject(last) ? last.content : undefined)}` : `You said: ${lastUserText(messages)}`;
  return { text, toolCall: undefined, inputTokens, outputTokens: estimateTokens(text) };
}

export function completionReply(body: JsonObject): MockReply {
  const prompt = Array.isArray(body.prompt) ? body.prompt.map(String).join('\n') : String(body.prompt ?? '');
  const text = `You said: ${prompt}`;
  return { text, toolCall: undefined, inputTokens: estimateTokens(prompt), outputTokens: estimateTokens(text) };
}

export function embeddingVector(input: string, dimensions: number): number[] {
  const digest = createHash('sha256').update(input).digest();
  const vector = Array.from({ length: dimensions }, (_, i) => (digest[i % digest.length]! - 127.5) / 127.5);
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}

function chosenTool(body: JsonObject): { name: string; parameters: JsonValue | undefined } | undefined {
  const tools = Array.isArray(body.tools) ? body.tools.filter(isObject) : [];
  const choice = body.tool_choice;
  if (tools.length === 0 || choice === 'none') return undefined;
  const forced = isObject(choice) && isObject(choice.function) ? choice.function.name : undefined;
  const tool = tools.find((t) => isObject(t.function) && (forced === undefined || t.function.name === forced)) ?? tools[0];
  const fn = tool && isObject(tool.function) ? tool.function : undefined;
  return fn && typeof fn.name === 'string' ? { name: fn.name, parameters: fn.parameters } : undefined;
}

/** Arguments that satisfy the tool's JSON schema's required properties, filled from the user's words. */
function argumentsFor(schema: JsonValue | undefined, text: string): JsonObject {
  const args: JsonObject = {};
  if (!isObject(schema) || !isObject(schema.properties)) return args;
  const required = Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : Object.keys(schema.properties);
  for (const key of required) {
    const property = schema.properties[key];
    const type = isObject(property) ? property.type : undefined;
    const options = isObject(property) && Array.isArray(property.enum) ? property.enum : undefined;
    args[key] = options?.[0] ?? (type === 'number' || type === 'integer' ? 1 : type === 'boolean' ? true : type === 'array' ? [] : type === 'object' ? {} : text);
  }
  return args;
}

function lastUserText(messages: JsonValue[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (isObject(message) && message.role === 'user') return contentText(message.content);
  }
  return '';
}

function contentText(content: JsonValue | undefined): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter(isObject)
    .map((part) => (part.type === 'text' && typeof part.text === 'string' ? part.text : part.type === 'image_url' ? '[image]' : ''))
    .filter(Boolean)
    .join(' ');
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
