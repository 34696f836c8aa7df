/** `input_tokens`: the estimated prompt size (characters / 4), computed only when a rule asks, once per request. */
import { llmNumberCriterion } from './number-criterion.js';

export const inputTokens = llmNumberCriterion('input_tokens', 'the estimated prompt size in tokens', (llm) => llm.inputTokens());
