/** Criteria that apply number matchers to one number of a model request (`max_tokens`, `input_tokens`). */
import type { LlmFacts } from '../input.js';
import { compileNumberMatcher } from '../matchers/numbers.js';
import { type Criterion, shown } from './criterion.js';

export function llmNumberCriterion(name: string, description: string, read: (llm: LlmFacts) => number | undefined): Criterion {
  return {
    name,
    value: ['number'],
    description,
    compile(value, site) {
      const matcher = compileNumberMatcher(value, site, name);
      return {
        test: (input) => input.llm !== undefined && matcher.test(read(input.llm)),
        expected: matcher.text,
        actual: (input) => (input.llm ? `${name} is ${shown(read(input.llm))}` : 'not a model request'),
      };
    },
  };
}
