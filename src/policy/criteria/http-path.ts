/** `http_path`: the request's URL path, without the query string (`/v1/chat/completions`). */
import { stringCriterion } from './string-criterion.js';

export const httpPath = stringCriterion({
  name: 'http_path',
  description: 'the URL path, without the query string',
  subject: 'HTTP path',
  read: (input) => input.request.path,
});
