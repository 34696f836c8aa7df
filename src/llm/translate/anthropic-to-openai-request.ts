/**
 * Anthropic Messages request → OpenAI chat-completions request.
 *
 * Choices worth knowing:
 * - `max_tokens` is sent as `max_tokens`, the field every OpenAI-compatible server understands.
 * - A streamed request asks for `stream_options.include_usage`, so usage arrives for accounting and for the
 *   Anthropic client's final `message_delta`.
 * - Dropped, having no OpenAI counterpart: `top_k`, `thinking`, `service_tier`, `container`, `mcp_servers`, and
 *   `cache_control` marks. Server tools (web search, code execution, …) are rejected: the upstream cannot run them.
 */
import type { JsonObject, JsonValue } from '../types.js';
import { anthropicMessagesToOpenai, anthropicSystemToOpenai } from './anthropic-to-openai-messages.js';
import { compact, numberAt, objectAt, objectsAt, stringAt } from './json-read.js';
import { untranslatable } from './request-errors.js';

export function anthropicToOpenaiChatRequest(body: JsonObject, model: string): JsonObject {
  const messages = [...anthropicSystemToOpenai(body.system), ...anthropicMessagesToOpenai(body.messages)];
  const tools = openaiTools(body.tools);
  const stop = Array.isArray(body.stop_sequences) ? body.stop_sequences.filter((item) => typeof item === 'string') : [];
  const stream = body.stream === true;
  const choice = objectAt(body.tool_choice);
  return compact({
    model,
    messages,
    max_tokens: numberAt(body.max_tokens),
    temperature: numberAt(body.temperature),
    top_p: numberAt(body.top_p),
    stop: stop.length > 0 ? stop : undefined,
    stream: stream ? true : undefined,
    stream_options: stream ? { include_usage: true } : undefined,
    tools: tools.length > 0 ? tools : undefined,
    tool_choice: tools.length > 0 ? openaiToolChoice(choice) : undefined,
    parallel_tool_calls: tools.length > 0 && choice?.disable_parallel_tool_use === true ? false : undefined,
    user: stringAt(objectAt(body.metadata)?.user_id),
  });
}

function openaiTools(tools: JsonValue | undefined): JsonObject[] {
  return objectsAt(tools).map((tool, i) => {
    const name = stringAt(tool.name);
    if ((tool.type !== undefined && tool.type !== 'custom') || !name) {
      throw untranslatable(`tools[${i}]`, `tool ${JSON.stringify(name ?? tool.type ?? null)} is a server tool this model cannot run; only custom tools are supported`);
    }
    return {
      type: 'function',
      function: compact({ name, description: stringAt(tool.description), parameters: objectAt(tool.input_schema) ?? { type: 'object', properties: {} } }),
    };
  });
}

function openaiToolChoice(choice: JsonObject | undefined): JsonValue | undefined {
  switch (choice?.type) {
    case undefined:
      return undefined;
    case 'auto':
    case 'none':
      return choice.type;
    case 'any':
      return 'required';
    case 'tool': {
      const name = stringAt(choice.name);
      if (!name) throw untranslatable('tool_choice.name', 'tool_choice of type tool needs a name');
      return { type: 'function', function: { name } };
    }
    default:
      throw untranslatable('tool_choice.type', 'tool_choice type must be auto, any, tool or none');
  }
}
