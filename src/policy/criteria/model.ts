/** `model`: the model group the client asked for. Requests that are not model calls have none and never match. */
import { stringCriterion } from './string-criterion.js';

export const model = stringCriterion({
  name: 'model',
  description: 'the model group requested',
  subject: 'model',
  read: (input) => input.llm?.model,
});
