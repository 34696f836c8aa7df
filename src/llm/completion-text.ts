/**
 * What the model said, as text, for the audit log (only under a `log_prompts` obligation): the assistant's text
 * and tool-call arguments read from a response body or from the SSE frames a client received, in the client's
 * dialect. Runs after the response is finished, never on the hot path.
 */
import { SseParser } from './sse.js';
import type { Dialect, JsonObject, JsonValue } from './types.js';

export function completionTextFromBody(dialect: Dialect, body: string): string {
  const json = parse(body);
  if (!json) return body;
  if (dialect === 'anthropic') return blocksText(json.content);
  const choices = Array.isArray(json.choices) ? json.choices : [];
  return choices
    .map((choice) => {
      if (!isObject(choice)) return '';
      if (typeof choice.text === 'string') return choice.text; // legacy completions
      const message = isObject(choice.message) ? choice.message : undefined;
      return (typeof message?.content === 'string' ? message.content : '') + toolCallsText(message?.tool_calls);
    })
    .join('\n');
}

export function completionTextFromStream(dialect: Dialect, sse: string): string {
  const parser = new SseParser();
  let text = '';
  for (const event of [...parser.push(sse), ...parser.end()]) {
    const json = parse(event.data);
    if (json) text += dialect === 'anthropic' ? anthropicDelta(json) : openaiDelta(json);
  }
  return text;
}

function openaiDelta(chunk: JsonObject): string {
  const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
  let text = '';
  for (const choice of choices) {
    if (!isObject(choice)) continue;
    if (typeof choice.text === 'string') text += choice.text;
    const delta = isObject(choice.delta) ? choice.delta : undefined;
    if (typeof delta?.content === 'string') text += delta.content;
    for (const call of Array.isArray(delta?.tool_calls) ? delta.tool_calls : []) {
      const fn = isObject(call) && isObject(call.function) ? call.function : undefined;
      if (typeof fn?.name === 'string') text += `\n[tool call ${fn.name}] `;
      if (typeof fn?.arguments === 'string') text += fn.arguments;
    }
  }
  return text;
}

function anthropicDelta(event: JsonObject): string {
  if (event.type === 'content_block_start' && isObject(event.content_block) && event.content_block.type === 'tool_use') return `\n[tool call ${String(event.content_block.name)}] `;
  if (event.type !== 'content_block_delta' || !isObject(event.delta)) return '';
  const { delta } = event;
  return typeof delta.text === 'string' ? delta.text : typeof delta.partial_json === 'string' ? delta.partial_json : '';
}

function blocksText(content: JsonValue | undefined): string {
  if (!Array.isArray(content)) return '';
  return content
    .map((block) => (!isObject(block) ? '' : block.type === 'text' ? String(block.text ?? '') : block.type === 'tool_use' ? `\n[tool call ${String(block.name)}] ${JSON.stringify(block.input ?? {})}` : ''))
    .join('');
}

function toolCallsText(calls: JsonValue | undefined): string {
  if (!Array.isArray(calls)) return '';
  return calls.map((call) => (isObject(call) && isObject(call.function) ? `\n[tool call ${String(call.function.name)}] ${String(call.function.arguments ?? '')}` : '')).join('');
}

function parse(text: string): JsonObject | undefined {
  try {
    const value = JSON.parse(text) as JsonValue;
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
