/** `endpoint`: which API was called: chat, completions, embeddings (OpenAI) or messages (Anthropic). */
import type { Endpoint } from '../../llm/types.js';
import { stringCriterion } from './string-criterion.js';

const ENDPOINTS: readonly Endpoint[] = ['chat', 'completions', 'embeddings', 'messages'];

export const endpoint = stringCriterion({
  name: 'endpoint',
  description: 'the LLM API called',
  subject: 'endpoint',
  read: (input) => input.llm?.endpoint,
  options: { known: ENDPOINTS },
});
