/**
 * Where a credential is read from: `Authorization: Bearer …` (OpenAI SDKs) or `x-api-key` (Anthropic SDKs).
 */
import type { IncomingHttpHeaders } from 'node:http';

/** The presented API key or token, or undefined when the request carries none. */
export function presentedCredential(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match ? match[1] : authorization.trim() || undefined;
  }
  const apiKey = headers['x-api-key'];
  const value = Array.isArray(apiKey) ? apiKey[0] : apiKey;
  return value?.trim() || undefined;
}
