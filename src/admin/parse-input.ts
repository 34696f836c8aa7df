/** Validates a request body or query with zod; a failure is a 400 that names the field at fault. */
import type { z } from 'zod';
import { GatehouseError } from '../errors.js';

export function parseInput<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  // An unknown key's issue sits on the parent object and lists the keys instead: name the first.
  const unknownKey = issue.code === 'unrecognized_keys' ? issue.keys.slice(0, 1) : [];
  const path = [...issue.path, ...unknownKey].map(String).join('.');
  const message = path ? `Invalid ${what}: ${path}: ${issue.message}` : `Invalid ${what}: ${issue.message}`;
  return failWith(message, path);
}

function failWith(message: string, param: string): never {
  throw new GatehouseError('GH_ERR_BAD_REQUEST', message, param ? { param } : {});
}
