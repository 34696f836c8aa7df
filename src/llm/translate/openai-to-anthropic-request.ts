/**
 * OpenAI chat-completions request → Anthropic Messages request.
 *
 * Choices worth knowing:
 * - `max_tokens` is required by Anthropic; 4096 stands in when the client set neither `max_completion_tokens` nor
 *   `max_tokens`.
 * - `temperature` runs 0–2 for OpenAI and 0–1 for Anthropic: values above 1 are capped at 1 rather than rejected.
 * - `response_format` (`json_object` / `json_schema`) has no portable Anthropic field, so it becomes an instruction
 *   appended to the system prompt, schema included. The model is asked, not forced: output is not validated.
 * - `n` > 1 is rejected (Anthropic returns one answer); `functions`/`function_call` (deprecated) are not supported.
 * - Dropped, having no Anthropic counterpart: `frequency_penalty`, `presence_penalty`, `logit_bias`, `logprobs`,
 *   `top_logprobs`, `seed`, `service_tier`, `store`, `metadata`, `prediction`, `modalities`, `audio`,
 *   `reasoning_effort`, `web_search_options`, `stream_options` (usage always arrives in Anthropic streams) and
 *   message `name`s.
 */
import type { JsonObject, JsonValue } from '../types.js';
import { compact, numberAt, objectAt, objectsAt, stringAt } from './json-read.js';
import { openaiMessagesToAnthropic } from './openai-to-anthropic-messages.js';
import { untranslatable } from './request-errors.js';

export const DEFAULT_MAX_TOKENS = 4096;

export function openaiChatToAnthropicRequest(body: JsonObject, model: string): JsonObject {
  const n = numberAt(body.n);
  if (n !== undefined && n > 1) throw untranslatable('n', 'this model returns one choice; n must be 1');
  const { system, messages } = openaiMessagesToAnthropic(body.messages);
  const formatInstruction = responseFormatInstruction(body.response_format);
  if (formatInstruction) system.push({ type: 'text', text: formatInstruction });
  const tools = anthropicTools(body.tools);
  const temperature = numberAt(body.temperature);
  const user = stringAt(body.user);
  return compact({
    model,
    max_tokens: numberAt(body.max_completion_tokens) ?? numberAt(body.max_tokens) ?? DEFAULT_MAX_TOKENS,
    system: systemField(system),
    messages,
    temperature: temperature === undefined ? undefined : Math.min(temperature, 1),
    top_p: numberAt(body.top_p),
    stop_sequences: stopSequences(body.stop),
    stream: body.stream === true ? true : undefined,
    tools: tools.length > 0 ? tools : undefined,
    tool_choice: tools.length > 0 ? anthropicToolChoice(body.tool_choice, body.parallel_tool_calls) : undefined,
    metadata: user ? { user_id: user } : undefined,
  });
}

/** Plain text when it can be; blocks when one carries `cache_control`, which a string cannot. */
function systemField(blocks: JsonObject[]): JsonValue | undefined {
  if (blocks.length === 0) return undefined;
  if (blocks.some((block) => block.cache_control !== undefined)) return blocks;
  return blocks.map((block) => stringAt(block.text) ?? '').join('\n\n');
}

function stopSequences(stop: JsonValue | undefined): string[] | undefined {
  if (typeof stop === 'string') return stop.length > 0 ? [stop] : undefined;
  if (!Array.isArray(stop)) return undefined;
  const sequences = stop.filter((item): item is string => typeof item === 'string' && item.length > 0);
  return sequences.length > 0 ? sequences : undefined;
}

function responseFormatInstruction(format: JsonValue | undefined): string | undefined {
  const type = stringAt(objectAt(format)?.type);
  if (type === 'json_object') return 'Respond with a single valid JSON object and nothing else.';
  if (type !== 'json_schema') return undefined;
  const schema = objectAt(objectAt(objectAt(format)?.json_schema)?.schema);
  return schema
    ? `Respond with a single valid JSON value that conforms to this JSON Schema, and nothing else:\n${JSON.stringify(schema)}`
    : 'Respond with a single valid JSON value and nothing else.';
}

function anthropicTools(tools: JsonValue | undefined): JsonObject[] {
  return objectsAt(tools).map((tool, i) => {
    const fn = objectAt(tool.function);
    const name = stringAt(fn?.name);
    if (tool.type !== 'function' || !name) throw untranslatable(`tools[${i}]`, 'only function tools with a name are supported for this model');
    return compact({
      name,
      description: stringAt(fn?.description),
      input_schema: objectAt(fn?.parameters) ?? { type: 'object', properties: {} },
    });
  });
}

function anthropicToolChoice(choice: JsonValue | undefined, parallelToolCalls: JsonValue | undefined): JsonObject | undefined {
  let mapped: JsonObject | undefined;
  if (choice === undefined || choice === null) mapped = undefined;
  else if (choice === 'auto') mapped = { type: 'auto' };
  else if (choice === 'none') return { type: 'none' };
  else if (choice === 'required') mapped = { type: 'any' };
  else {
    const name = stringAt(objectAt(objectAt(choice)?.function)?.name);
    if (!name) throw untranslatable('tool_choice', 'tool_choice must be auto, none, required or a named function');
    mapped = { type: 'tool', name };
  }
  if (parallelToolCalls !== false) return mapped;
  return { ...(mapped ?? { type: 'auto' }), disable_parallel_tool_use: true };
}
