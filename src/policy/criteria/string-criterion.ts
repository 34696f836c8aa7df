/**
 * Most criteria apply string matchers to one value read from the input (the email, the model, a header). This
 * builds such a criterion from its name, what it reads and how that value is described.
 */
import type { PolicyInput } from '../input.js';
import { compileStringMatcher, type StringMatchOptions } from '../matchers/strings.js';
import { type Criterion, shown } from './criterion.js';

export interface StringCriterionSpec {
  name: string;
  description: string;
  /** The value explanations name: `principal email`. */
  subject: string;
  read: (input: PolicyInput) => string | undefined;
  options?: StringMatchOptions;
}

export function stringCriterion(spec: StringCriterionSpec): Criterion {
  return {
    name: spec.name,
    value: ['string'],
    description: spec.description,
    compile(value, site) {
      const matcher = compileStringMatcher(value, site, spec.name, spec.options);
      const { read } = spec;
      return {
        test: (input) => matcher.test(read(input)),
        expected: matcher.text,
        actual: (input) => `${spec.subject} is ${shown(read(input))}`,
      };
    },
  };
}
