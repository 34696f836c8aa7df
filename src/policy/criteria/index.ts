/**
 * Every criterion, registered explicitly: a name not in this list is a compile error. To add one, write its file
 * (see criterion.ts) and add it here.
 */
import { apiKey } from './api-key.js';
import { authMethod } from './auth-method.js';
import { authenticatedUser } from './authenticated-user.js';
import { claim } from './claim.js';
import type { Criterion } from './criterion.js';
import { date } from './date.js';
import { dayOfWeek } from './day-of-week.js';
import { domain } from './domain.js';
import { email } from './email.js';
import { endpoint } from './endpoint.js';
import { groups } from './groups.js';
import { header } from './header.js';
import { httpMethod } from './http-method.js';
import { httpPath } from './http-path.js';
import { inputTokens } from './input-tokens.js';
import { maxTokens } from './max-tokens.js';
import { model } from './model.js';
import { modelTags } from './model-tags.js';
import { sourceIp } from './source-ip.js';
import { stream } from './stream.js';
import { timeOfDay } from './time-of-day.js';
import { tools } from './tools.js';
import { user } from './user.js';

export const CRITERIA: readonly Criterion[] = [
  // identity
  authenticatedUser, user, email, domain, groups, claim, authMethod, apiKey,
  // request context
  httpMethod, httpPath, sourceIp, timeOfDay, dayOfWeek, date, header,
  // the model request
  model, modelTags, endpoint, stream, tools, maxTokens, inputTokens,
];

const BY_NAME = new Map(CRITERIA.map((criterion) => [criterion.name, criterion]));

/** The criterion a key names (`email`, `claim/department`), with its parameter; undefined when unknown. */
export function criterionFor(key: string): { criterion: Criterion; parameter: string | undefined } | undefined {
  const slash = key.indexOf('/');
  const name = slash < 0 ? key : key.slice(0, slash);
  const criterion = BY_NAME.get(name);
  // A criterion that takes a parameter but got none (`claim:`) is its own to report, with a better message.
  if (criterion === undefined || (slash >= 0 && criterion.parameter === undefined)) return undefined;
  return { criterion, parameter: slash < 0 ? undefined : key.slice(slash + 1) };
}

export const CRITERION_NAMES: readonly string[] = CRITERIA.map((criterion) => (criterion.parameter ? `${criterion.name}/<${criterion.parameter}>` : criterion.name));
