/** `stream: true`: the client asked for a streamed response. */
import { llmFlagCriterion } from './boolean-criterion.js';

export const stream = llmFlagCriterion('stream', 'whether the response is streamed', (llm) => llm.stream);
