/**
 * Anthropic `system` and `messages` → OpenAI chat `messages`.
 *
 * A user turn's `tool_result` blocks become `tool` messages placed before the rest of that turn, since OpenAI wants
 * tool results right after the assistant message that called the tools. A tool result's text is joined; images
 * inside a tool result and its `is_error` flag have no place in an OpenAI tool message and are dropped. Thinking
 * blocks in assistant history are dropped too: OpenAI chat has no way to send them back. Any other block type
 * (server tools, search results, …) cannot be carried over and is rejected.
 */
import type { JsonObject, JsonValue } from '../types.js';
import { isObject, objectAt, objectsAt, stringAt } from './json-read.js';
import { untranslatable } from './request-errors.js';

export function anthropicSystemToOpenai(system: JsonValue | undefined): JsonObject[] {
  const text = typeof system === 'string' ? system : joinedText(system, '\n\n');
  return text.length > 0 ? [{ role: 'system', content: text }] : [];
}

export function anthropicMessagesToOpenai(messages: JsonValue | undefined): JsonObject[] {
  if (!Array.isArray(messages)) throw untranslatable('messages', 'messages must be an array');
  return messages.flatMap((message, i) => {
    const param = `messages[${i}]`;
    if (!isObject(message)) throw untranslatable(param, 'each message must be an object');
    if (message.role === 'user') return userMessages(message.content, `${param}.content`);
    if (message.role === 'assistant') return [assistantMessage(message.content, `${param}.content`)];
    throw untranslatable(`${param}.role`, 'message role must be user or assistant');
  });
}

function joinedText(blocks: JsonValue | undefined, separator: string): string {
  return objectsAt(blocks)
    .filter((block) => block.type === 'text')
    .map((block) => stringAt(block.text) ?? '')
    .join(separator);
}

function blocksOf(content: JsonValue | undefined, param: string): JsonObject[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw untranslatable(param, 'content must be a string or an array of blocks');
  return content.map((block, i) => {
    if (!isObject(block)) throw untranslatable(`${param}[${i}]`, 'each content block must be an object');
    return block;
  });
}

function userMessages(content: JsonValue | undefined, param: string): JsonObject[] {
  if (typeof content === 'string') return [{ role: 'user', content }];
  const toolMessages: JsonObject[] = [];
  const parts: JsonObject[] = [];
  blocksOf(content, param).forEach((block, i) => {
    if (block.type === 'tool_result') toolMessages.push(toolMessage(block, `${param}[${i}]`));
    else parts.push(userPart(block, `${param}[${i}]`));
  });
  if (parts.length === 0) return toolMessages;
  const only = parts.length === 1 ? parts[0] : undefined;
  const userContent = only?.type === 'text' ? (only.text ?? '') : parts;
  return [...toolMessages, { role: 'user', content: userContent }];
}

function toolMessage(block: JsonObject, param: string): JsonObject {
  const id = stringAt(block.tool_use_id);
  if (!id) throw untranslatable(`${param}.tool_use_id`, 'a tool_result block needs tool_use_id');
  const content = typeof block.content === 'string' ? block.content : joinedText(block.content, '\n');
  return { role: 'tool', tool_call_id: id, content };
}

function userPart(block: JsonObject, param: string): JsonObject {
  if (block.type === 'text') return { type: 'text', text: stringAt(block.text) ?? '' };
  const source = objectAt(block.source);
  if (block.type === 'image') return { type: 'image_url', image_url: { url: imageUrl(source, param) } };
  if (block.type === 'document' && source?.type === 'text') return { type: 'text', text: stringAt(source.data) ?? '' };
  if (block.type === 'document' && source?.type === 'base64') {
    const fileData = `data:${stringAt(source.media_type) ?? 'application/pdf'};base64,${stringAt(source.data) ?? ''}`;
    return { type: 'file', file: { filename: stringAt(block.title) ?? 'document.pdf', file_data: fileData } };
  }
  throw untranslatable(`${param}.type`, `content block type ${JSON.stringify(block.type ?? null)} is not supported for this model`);
}

function imageUrl(source: JsonObject | undefined, param: string): string {
  if (source?.type === 'base64') return `data:${stringAt(source.media_type) ?? ''};base64,${stringAt(source.data) ?? ''}`;
  const url = source?.type === 'url' ? stringAt(source.url) : undefined;
  if (url) return url;
  throw untranslatable(`${param}.source`, 'images must be base64 or url sources for this model');
}

function assistantMessage(content: JsonValue | undefined, param: string): JsonObject {
  let text = '';
  const toolCalls: JsonObject[] = [];
  blocksOf(content, param).forEach((block, i) => {
    if (block.type === 'text') text += stringAt(block.text) ?? '';
    else if (block.type === 'tool_use') toolCalls.push(toolCall(block, `${param}[${i}]`));
    else if (block.type !== 'thinking' && block.type !== 'redacted_thinking') {
      throw untranslatable(`${param}[${i}].type`, `content block type ${JSON.stringify(block.type ?? null)} is not supported for this model`);
    }
  });
  if (toolCalls.length === 0) return { role: 'assistant', content: text };
  return { role: 'assistant', content: text.length > 0 ? text : null, tool_calls: toolCalls };
}

function toolCall(block: JsonObject, param: string): JsonObject {
  const id = stringAt(block.id);
  const name = stringAt(block.name);
  if (!id || !name) throw untranslatable(param, 'a tool_use block needs an id and a name');
  return { id, type: 'function', function: { name, arguments: JSON.stringify(block.input ?? {}) } };
}
