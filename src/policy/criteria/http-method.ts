/** `http_method`: the request's HTTP method, upper case (`GET`, `POST`). */
import { stringCriterion } from './string-criterion.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

export const httpMethod = stringCriterion({
  name: 'http_method',
  description: 'the HTTP method',
  subject: 'HTTP method',
  read: (input) => input.request.method,
  options: { known: METHODS },
});
