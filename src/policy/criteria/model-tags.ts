/** `model_tags`: the configured `tags` of the requested model group (`model_tags: { has: premium }`). */
import { compileListMatcher } from '../matchers/lists.js';
import { listText } from '../scalars.js';
import type { Criterion } from './criterion.js';

const NONE: readonly string[] = Object.freeze([]);

export const modelTags: Criterion = {
  name: 'model_tags',
  value: ['list'],
  description: "the requested model group's tags",
  compile(value, site) {
    const matcher = compileListMatcher(value, site, 'model_tags');
    return {
      test: (input) => matcher.test(input.llm?.modelTags ?? NONE),
      expected: matcher.text,
      actual: (input) => (input.llm ? `model tags are ${listText(input.llm.modelTags)}` : 'not a model request'),
    };
  },
};
