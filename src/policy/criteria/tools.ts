/** `tools: true`: the request offers tools (functions) to the model. */
import { llmFlagCriterion } from './boolean-criterion.js';

export const tools = llmFlagCriterion('tools', 'whether the request offers tools to the model', (llm) => llm.hasTools);
