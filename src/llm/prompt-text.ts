/**
 * The prompt of a request as the audit log keeps it (only under a `log_prompts` obligation): the parts of the
 * client's body that carry what was asked — system prompt, messages, prompt or embedding input — as JSON, so
 * nothing is lost to a lossy rendering.
 */
import type { JsonObject, LlmRequest } from './types.js';

const PROMPT_FIELDS = ['system', 'messages', 'prompt', 'input', 'tools'] as const;

export function promptText(request: LlmRequest): string {
  const parts: JsonObject = {};
  for (const field of PROMPT_FIELDS) if (request.body[field] !== undefined) parts[field] = request.body[field];
  return JSON.stringify(parts);
}
