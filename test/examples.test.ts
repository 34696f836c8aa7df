import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';

const dir = new URL('../examples/', import.meta.url);
const examples = readdirSync(dir).filter((name) => name.endsWith('.yaml'));
/** Every variable an example names is set, so only the example itself can be at fault. */
const env = new Proxy<NodeJS.ProcessEnv>({}, { get: (_target, name) => (typeof name === 'string' ? `value-of-${name}-0123456789` : undefined) });

describe('examples/', () => {
  it('has the examples the README promises', () => {
    expect(examples).toEqual(expect.arrayContaining(['demo.yaml', 'openai-anthropic.yaml', 'azure.yaml', 'local.yaml', 'behind-pomerium.yaml', 'multi-replica.yaml']));
  });

  it.each(examples)('%s is a valid configuration', (name) => {
    const text = readFileSync(new URL(name, dir), 'utf8');
    const issuerEnv = new Proxy(env, { get: (target, key) => (key === 'GATEHOUSE_DEMO_IDP_ISSUER' ? 'http://127.0.0.1:4001' : key === 'GATEHOUSE_DEMO_PUBLIC_URL' || key === 'GATEHOUSE_LISTEN' ? undefined : Reflect.get(target, key)) });
    expect(() => parseConfig(text, issuerEnv, name)).not.toThrow();
  });
});
