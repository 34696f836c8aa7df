/** Criteria that compare one yes/no fact of a model request with `true` or `false` (`stream`, `tools`). */
import type { LlmFacts } from '../input.js';
import { readBoolean } from '../scalars.js';
import type { Criterion } from './criterion.js';

export function llmFlagCriterion(name: string, description: string, read: (llm: LlmFacts) => boolean): Criterion {
  return {
    name,
    value: 'boolean',
    description,
    compile(value, site) {
      const wanted = readBoolean(value, site) ?? true;
      return {
        // Not a model request: neither true nor false, so neither `stream: true` nor `stream: false` holds.
        test: (input) => input.llm !== undefined && read(input.llm) === wanted,
        expected: String(wanted),
        actual: (input) => (input.llm ? `${name} is ${read(input.llm)}` : 'not a model request'),
      };
    },
  };
}
