/**
 * Message ids across dialects. The upstream id is kept inside the translated one, so a client's logged id can be
 * matched with the provider's records; a fresh random id stands in when the upstream sent none.
 */
import { randomBytes } from 'node:crypto';

function randomId(): string {
  return randomBytes(12).toString('base64url');
}

/** An OpenAI completion id (`chatcmpl-…`) for an Anthropic message id (`msg_…`). */
export function openaiCompletionId(anthropicId: string | undefined): string {
  return `chatcmpl-${anthropicId ? anthropicId.replace(/^msg_/, '') : randomId()}`;
}

/** An Anthropic message id (`msg_…`) for an OpenAI completion id (`chatcmpl-…`). */
export function anthropicMessageId(openaiId: string | undefined): string {
  return `msg_${openaiId ? openaiId.replace(/^chatcmpl-/, '') : randomId()}`;
}

/** A tool-use id for an OpenAI tool call that arrived without one (some compatible servers omit it). */
export function toolUseId(): string {
  return `toolu_${randomId()}`;
}
