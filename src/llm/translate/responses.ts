/**
 * Whole (non-streamed) responses across dialects. The client sees the model name it asked for, not the upstream
 * deployment's. Anthropic thinking blocks have no place in an OpenAI message and are left out; an OpenAI refusal
 * becomes Anthropic text.
 */
import type { JsonObject } from '../types.js';
import { anthropicMessageId, openaiCompletionId, toolUseId } from './ids.js';
import { isObject, objectAt, objectsAt, parseObject, stringAt } from './json-read.js';
import { anthropicStopReason, openaiFinishReason } from './stop-reasons.js';
import { anthropicUsageJson, openaiUsageJson, usageFromAnthropic, usageFromOpenai } from './usage.js';

export function anthropicToOpenaiChatResponse(message: JsonObject, requestedModel: string): JsonObject {
  const blocks = objectsAt(message.content);
  const text = blocks
    .filter((block) => block.type === 'text')
    .map((block) => stringAt(block.text) ?? '')
    .join('');
  const toolCalls: JsonObject[] = blocks
    .filter((block) => block.type === 'tool_use')
    .map((block) => ({ id: stringAt(block.id) ?? toolUseId(), type: 'function', function: { name: stringAt(block.name) ?? '', arguments: JSON.stringify(block.input ?? {}) } }));
  const reply: JsonObject = { role: 'assistant', content: text.length > 0 || toolCalls.length === 0 ? text : null, refusal: null };
  if (toolCalls.length > 0) reply.tool_calls = toolCalls;
  return {
    id: openaiCompletionId(stringAt(message.id)),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: requestedModel,
    choices: [{ index: 0, message: reply, logprobs: null, finish_reason: openaiFinishReason(stringAt(message.stop_reason)) ?? 'stop' }],
    usage: openaiUsageJson(usageFromAnthropic(message)),
  };
}

export function openaiChatToAnthropicResponse(completion: JsonObject, requestedModel: string): JsonObject {
  const choice = objectsAt(completion.choices)[0];
  const message = objectAt(choice?.message);
  const content: JsonObject[] = [];
  const text = messageText(message);
  if (text.length > 0) content.push({ type: 'text', text });
  for (const call of objectsAt(message?.tool_calls)) {
    const fn = objectAt(call.function);
    content.push({ type: 'tool_use', id: stringAt(call.id) ?? toolUseId(), name: stringAt(fn?.name) ?? '', input: parseObject(stringAt(fn?.arguments) ?? '') ?? {} });
  }
  return {
    id: anthropicMessageId(stringAt(completion.id)),
    type: 'message',
    role: 'assistant',
    model: requestedModel,
    content,
    stop_reason: anthropicStopReason(stringAt(choice?.finish_reason)) ?? 'end_turn',
    stop_sequence: null,
    usage: anthropicUsageJson(usageFromOpenai(completion)),
  };
}

/** The message's text: a string, or the text of its parts; its refusal when it has no text. */
function messageText(message: JsonObject | undefined): string {
  const content = message?.content;
  const text = Array.isArray(content)
    ? content
        .filter(isObject)
        .map((part) => stringAt(part.text) ?? '')
        .join('')
    : (stringAt(content) ?? '');
  return text.length > 0 ? text : (stringAt(message?.refusal) ?? '');
}
