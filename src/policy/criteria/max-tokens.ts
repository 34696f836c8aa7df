/** `max_tokens`: the output limit the client set (`max_tokens` or `max_completion_tokens`); unset never matches. */
import { llmNumberCriterion } from './number-criterion.js';

export const maxTokens = llmNumberCriterion('max_tokens', 'the output token limit the client set', (llm) => llm.maxTokens);
