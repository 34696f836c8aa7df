/**
 * How one client request is carried to one deployment and back: which upstream endpoint, which body, and how the
 * response and stream come back to the client's dialect. Same dialect: the body is forwarded untouched but for
 * the model name (and the usage request on streams); across dialects: translated both ways.
 */
import type { Provider } from '../providers/types.js';
import { openaiPassthroughStream } from './openai-stream.js';
import type { StreamTranslator } from './stream.js';
import {
  anthropicPassthroughStream,
  anthropicToOpenaiChatRequest,
  anthropicToOpenaiChatResponse,
  anthropicToOpenaiStream,
  openaiChatToAnthropicRequest,
  openaiChatToAnthropicResponse,
  openaiToAnthropicStream,
  usageFromAnthropic,
  usageFromOpenai,
} from './translate/index.js';
import type { Dialect, Endpoint, JsonObject, LlmRequest, Usage } from './types.js';

export interface Exchange {
  upstreamEndpoint: Endpoint;
  upstreamBody: JsonObject;
  /** Client headers worth forwarding to this upstream (Anthropic version and beta flags). */
  forwardHeaders: Record<string, string>;
  /** A successful upstream JSON body → what the client receives, and the usage it reports. */
  readResponse(text: string): { body: string; usage: Usage };
  createStreamTranslator(): StreamTranslator;
}

/** The provider-side endpoint that serves a client endpoint, or undefined when the provider cannot. */
export function upstreamEndpoint(endpoint: Endpoint, provider: Provider): Endpoint | undefined {
  const target = endpoint === 'chat' || endpoint === 'messages' ? nativeChat(provider.dialect) : endpoint;
  return provider.supports(target) ? target : undefined;
}

export function planExchange(request: LlmRequest, provider: Provider, model: string, clientHeaders: Record<string, string | string[] | undefined>): Exchange {
  const target = upstreamEndpoint(request.endpoint, provider);
  if (!target) throw new Error(`provider ${provider.name} cannot serve ${request.endpoint}`); // filtered out by routing
  if (request.dialect === provider.dialect) {
    return request.dialect === 'openai' ? openaiToOpenai(request, target, model) : anthropicToAnthropic(request, model, clientHeaders);
  }
  return request.dialect === 'openai' ? openaiToAnthropic(request, model) : anthropicToOpenai(request, model);
}

function nativeChat(dialect: Dialect): Endpoint {
  return dialect === 'openai' ? 'chat' : 'messages';
}

function openaiToOpenai(request: LlmRequest, target: Endpoint, model: string): Exchange {
  const body: JsonObject = { ...request.body, model };
  if (request.stream) {
    const options = typeof body.stream_options === 'object' && body.stream_options !== null && !Array.isArray(body.stream_options) ? body.stream_options : {};
    body.stream_options = { ...options, include_usage: true };
  }
  return {
    upstreamEndpoint: target,
    upstreamBody: body,
    forwardHeaders: {},
    readResponse: (text) => ({ body: text, usage: usageFromOpenai((JSON.parse(text) as JsonObject).usage as JsonObject | undefined) }),
    createStreamTranslator: () => openaiPassthroughStream({ keepUsageChunk: request.clientWantsStreamUsage }),
  };
}

function anthropicToAnthropic(request: LlmRequest, model: string, clientHeaders: Record<string, string | string[] | undefined>): Exchange {
  const forwardHeaders: Record<string, string> = {};
  for (const name of ['anthropic-version', 'anthropic-beta']) {
    const value = clientHeaders[name];
    if (value !== undefined) forwardHeaders[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return {
    upstreamEndpoint: 'messages',
    upstreamBody: { ...request.body, model },
    forwardHeaders,
    readResponse: (text) => ({ body: text, usage: usageFromAnthropic((JSON.parse(text) as JsonObject).usage as JsonObject | undefined) }),
    createStreamTranslator: () => anthropicPassthroughStream(),
  };
}

function openaiToAnthropic(request: LlmRequest, model: string): Exchange {
  return {
    upstreamEndpoint: 'messages',
    upstreamBody: openaiChatToAnthropicRequest(request.body, model),
    forwardHeaders: {},
    readResponse(text) {
      const message = JSON.parse(text) as JsonObject;
      return { body: JSON.stringify(anthropicToOpenaiChatResponse(message, request.model)), usage: usageFromAnthropic(message.usage as JsonObject | undefined) };
    },
    createStreamTranslator: () => anthropicToOpenaiStream({ model: request.model, includeUsage: request.clientWantsStreamUsage }),
  };
}

function anthropicToOpenai(request: LlmRequest, model: string): Exchange {
  return {
    upstreamEndpoint: 'chat',
    upstreamBody: anthropicToOpenaiChatRequest(request.body, model),
    forwardHeaders: {},
    readResponse(text) {
      const completion = JSON.parse(text) as JsonObject;
      return { body: JSON.stringify(openaiChatToAnthropicResponse(completion, request.model)), usage: usageFromOpenai(completion.usage as JsonObject | undefined) };
    },
    createStreamTranslator: () => openaiToAnthropicStream({ model: request.model }),
  };
}
