import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { configSchema } from '../../src/config/schema.js';
import { allowedKeys, type PathSegment } from '../../src/config/schema-shape.js';

const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');

interface KeyPath {
  names: string[];
  /** An object (or a record or list of objects) rather than a value. */
  container: boolean;
}

/** Every key path of the schema, descending into records (as "x") and lists (as item 0). */
function keyPaths(path: PathSegment[] = []): KeyPath[] {
  const keys = allowedKeys(configSchema, path) ?? [];
  return keys.flatMap((key) => {
    const here = [...path, key];
    const inner = [here, [...here, 'x'], [...here, 0]].find((candidate) => allowedKeys(configSchema, candidate) !== undefined);
    const names = here.filter((segment): segment is string => typeof segment === 'string' && segment !== 'x');
    return [{ names, container: inner !== undefined }, ...(inner ? keyPaths(inner) : [])];
  });
}

describe('docs/configuration.md', () => {
  it('documents every value key in a reference table, and every section', () => {
    const undocumented = keyPaths().filter(({ names, container }) => {
      const key = names.at(-1) ?? '';
      const parent = names.at(-2);
      if (container) return !doc.includes(`\`${key}\``) && !doc.includes(`\`${key}.`);
      return !doc.includes(`| \`${key}\` |`) && !(parent !== undefined && doc.includes(`| \`${parent}.${key}\` |`));
    });
    expect(undocumented.map(({ names }) => names.join('.'))).toEqual([]);
  });

  it('holds only examples that are valid configurations', () => {
    const examples = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
    expect(examples.length).toBeGreaterThan(1);
    const env = new Proxy<NodeJS.ProcessEnv>({}, { get: (_target, name) => (typeof name === 'string' ? `value-of-${name}` : undefined) });
    for (const example of examples) expect(() => parseConfig(example, env)).not.toThrow();
  });
});
