import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { allowedKeys, scalarKinds, schemaAt } from '../../src/config/schema-shape.js';

function kindsAt(path: (string | number)[]): string[] {
  const schema = schemaAt(configSchema, path);
  if (!schema) throw new Error(`no schema at ${path.join('.')}`);
  return [...scalarKinds(schema)].sort();
}

describe('schema shape', () => {
  it('finds the scalar types through records, arrays, defaults and transforms', () => {
    expect(kindsAt(['routing', 'retries'])).toEqual(['number']);
    expect(kindsAt(['routing', 'timeout'])).toEqual(['number', 'string']);
    expect(kindsAt(['providers', 'any-name', 'pass_identity'])).toEqual(['boolean']);
    expect(kindsAt(['providers', 'any-name', 'type'])).toEqual(['string']);
    expect(kindsAt(['models', 3, 'deployments', 0, 'weight'])).toEqual(['number']);
    expect(kindsAt(['server', 'api_keys', 0])).toEqual(['string']);
  });

  it('has no schema for paths outside it, nor for inherited property names', () => {
    expect(schemaAt(configSchema, ['quotas'])).toBeUndefined();
    expect(schemaAt(configSchema, ['server', 'constructor'])).toBeUndefined();
    expect(schemaAt(configSchema, ['models', 'name'])).toBeUndefined();
  });

  it('lists the keys an object allows', () => {
    expect(allowedKeys(configSchema, [])).toEqual(['server', 'storage', 'secret', 'logging', 'providers', 'models', 'routing', 'redis', 'limits', 'budgets', 'identity', 'policies', 'audit']);
    expect(allowedKeys(configSchema, ['routing', 'backoff'])).toEqual(['initial', 'max']);
    expect(allowedKeys(configSchema, ['routing', 'retries'])).toBeUndefined();
  });
});
