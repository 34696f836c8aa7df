/** Translation between the OpenAI chat-completions and Anthropic Messages dialects: requests, responses, streams. */
export { openaiChatToAnthropicRequest, DEFAULT_MAX_TOKENS } from './openai-to-anthropic-request.js';
export { anthropicToOpenaiChatRequest } from './anthropic-to-openai-request.js';
export { anthropicToOpenaiChatResponse, openaiChatToAnthropicResponse } from './responses.js';
export { usageFromOpenai, usageFromAnthropic } from './usage.js';
export { anthropicToOpenaiStream, type AnthropicToOpenaiStreamOptions } from './anthropic-to-openai-stream.js';
export { openaiToAnthropicStream, type OpenaiToAnthropicStreamOptions } from './openai-to-anthropic-stream.js';
export { anthropicPassthroughStream } from './anthropic-passthrough-stream.js';
export { openaiFinishReason, anthropicStopReason, type AnthropicStopReason } from './stop-reasons.js';
