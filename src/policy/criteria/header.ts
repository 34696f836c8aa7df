/**
 * `header/<name>`: a request header, by name (case-insensitive), with string matchers. A header sent more than
 * once matches when any of its values does.
 */
import { compileStringMatcher } from '../matchers/strings.js';
import type { Criterion } from './criterion.js';
import { shown } from './criterion.js';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export const header: Criterion = {
  name: 'header',
  parameter: 'name',
  value: ['string'],
  description: 'a request header, by name',
  compile(value, site, parameter) {
    if (parameter === undefined || !HEADER_NAME.test(parameter)) {
      site.issue(`header needs a header name: header/<name>, such as header/x-tenant`);
    }
    const name = (parameter ?? '').toLowerCase();
    const matcher = compileStringMatcher(value, site, `header/${name}`);
    return {
      test: (input) => {
        const sent = input.request.headers[name];
        return typeof sent === 'string' || sent === undefined ? matcher.test(sent) : sent.some((item) => matcher.test(item));
      },
      expected: matcher.text,
      actual: (input) => {
        const sent = input.request.headers[name];
        return `header ${name} is ${typeof sent === 'string' || sent === undefined ? shown(sent) : JSON.stringify(sent)}`;
      },
    };
  },
};
