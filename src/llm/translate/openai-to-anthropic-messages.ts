/**
 * OpenAI chat `messages` → Anthropic `system` blocks and `messages` turns.
 *
 * Anthropic keeps the system prompt outside the conversation, so every system/developer message (wherever it sits)
 * joins `system`, in order. Tool results are user-turn blocks, and turns must alternate, so consecutive turns of one
 * role are merged; in a merged user turn the tool results come first, as Anthropic requires. Empty text is left out
 * (Anthropic rejects empty text blocks). A tool call whose `arguments` is not a JSON object (a model can emit
 * broken JSON, and clients replay it) becomes an empty input rather than failing the whole conversation.
 * `cache_control` on a text part is carried over, so prompt caching works through the translation.
 */
import type { JsonObject, JsonValue } from '../types.js';
import { isObject, objectAt, objectsAt, parseObject, stringAt } from './json-read.js';
import { untranslatable } from './request-errors.js';

interface Turn {
  role: 'user' | 'assistant';
  content: JsonObject[];
}

export interface AnthropicConversation {
  /** System text blocks, in order. */
  system: JsonObject[];
  messages: JsonObject[];
}

export function openaiMessagesToAnthropic(messages: JsonValue | undefined): AnthropicConversation {
  if (!Array.isArray(messages)) throw untranslatable('messages', 'messages must be an array');
  const system: JsonObject[] = [];
  const turns: Turn[] = [];
  messages.forEach((message, i) => {
    const param = `messages[${i}]`;
    if (!isObject(message)) throw untranslatable(param, 'each message must be an object');
    const role = stringAt(message.role);
    if (role === 'system' || role === 'developer') system.push(...textBlocks(message.content, `${param}.content`));
    else if (role === 'user') addTurn(turns, 'user', userBlocks(message.content, `${param}.content`));
    else if (role === 'assistant') addTurn(turns, 'assistant', assistantBlocks(message, param));
    else if (role === 'tool') addTurn(turns, 'user', [toolResultBlock(message, param)]);
    else throw untranslatable(`${param}.role`, `message role ${JSON.stringify(role ?? null)} is not supported for this model`);
  });
  return { system, messages: turns.map((turn) => ({ role: turn.role, content: turn.role === 'user' ? toolResultsFirst(turn.content) : turn.content })) };
}

function addTurn(turns: Turn[], role: Turn['role'], blocks: JsonObject[]): void {
  if (blocks.length === 0) return;
  const last = turns.at(-1);
  if (last?.role === role) last.content.push(...blocks);
  else turns.push({ role, content: blocks });
}

function toolResultsFirst(blocks: JsonObject[]): JsonObject[] {
  const results = blocks.filter((block) => block.type === 'tool_result');
  return results.length === 0 || results.length === blocks.length ? blocks : [...results, ...blocks.filter((block) => block.type !== 'tool_result')];
}

function textBlock(text: string, part?: JsonObject): JsonObject {
  const cacheControl = objectAt(part?.cache_control);
  return cacheControl ? { type: 'text', text, cache_control: cacheControl } : { type: 'text', text };
}

/** Content that may only hold text (system, developer and tool messages). */
function textBlocks(content: JsonValue | undefined, param: string): JsonObject[] {
  if (typeof content === 'string') return content.length > 0 ? [textBlock(content)] : [];
  if (content === null || content === undefined) return [];
  if (!Array.isArray(content)) throw untranslatable(param, 'content must be a string or an array of parts');
  return content.flatMap((part, i) => {
    if (!isObject(part) || part.type !== 'text') throw untranslatable(`${param}[${i}]`, 'only text parts are supported here');
    const text = stringAt(part.text) ?? '';
    return text.length > 0 ? [textBlock(text, part)] : [];
  });
}

function userBlocks(content: JsonValue | undefined, param: string): JsonObject[] {
  if (!Array.isArray(content)) return textBlocks(content, param);
  return content.flatMap((part, i) => {
    const partParam = `${param}[${i}]`;
    if (!isObject(part)) throw untranslatable(partParam, 'each content part must be an object');
    if (part.type === 'text') return textBlocks([part], param);
    if (part.type === 'image_url') return [imageBlock(part, partParam)];
    if (part.type === 'file') return [documentBlock(part, partParam)];
    throw untranslatable(`${partParam}.type`, `content part type ${JSON.stringify(part.type ?? null)} is not supported for this model`);
  });
}

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

function imageBlock(part: JsonObject, param: string): JsonObject {
  const url = stringAt(objectAt(part.image_url)?.url) ?? stringAt(part.image_url) ?? '';
  const data = DATA_URL.exec(url);
  if (data) return { type: 'image', source: { type: 'base64', media_type: data[1] ?? '', data: data[2] ?? '' } };
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw untranslatable(`${param}.image_url.url`, 'images must be an http(s) URL or a base64 data: URL');
}

/** A `file` part with inline data (a PDF, typically) → a document block. Uploaded file ids cannot be resolved. */
function documentBlock(part: JsonObject, param: string): JsonObject {
  const data = DATA_URL.exec(stringAt(objectAt(part.file)?.file_data) ?? '');
  if (!data) throw untranslatable(`${param}.file`, 'files must be sent inline as a base64 data: URL in file_data for this model');
  return { type: 'document', source: { type: 'base64', media_type: data[1] ?? '', data: data[2] ?? '' } };
}

function assistantBlocks(message: JsonObject, param: string): JsonObject[] {
  const content = Array.isArray(message.content)
    ? message.content.filter(isObject).map((part) => (part.type === 'refusal' ? { type: 'text', text: part.refusal ?? '' } : part))
    : message.content;
  const blocks = textBlocks(content, `${param}.content`);
  objectsAt(message.tool_calls).forEach((call, j) => blocks.push(toolUseBlock(call, `${param}.tool_calls[${j}]`)));
  return blocks;
}

function toolUseBlock(call: JsonObject, param: string): JsonObject {
  const fn = objectAt(call.function);
  const id = stringAt(call.id);
  const name = stringAt(fn?.name);
  if (!id || !name) throw untranslatable(param, 'a tool call needs an id and a function name');
  return { type: 'tool_use', id, name, input: parseObject(stringAt(fn?.arguments) ?? '') ?? {} };
}

function toolResultBlock(message: JsonObject, param: string): JsonObject {
  const id = stringAt(message.tool_call_id);
  if (!id) throw untranslatable(`${param}.tool_call_id`, 'a tool message needs tool_call_id');
  const content = typeof message.content === 'string' ? message.content : textBlocks(message.content, `${param}.content`);
  // An empty result is sent without content: Anthropic rejects empty text blocks.
  return content.length > 0 ? { type: 'tool_result', tool_use_id: id, content } : { type: 'tool_result', tool_use_id: id };
}
