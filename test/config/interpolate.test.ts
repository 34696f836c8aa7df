import { describe, expect, it } from 'vitest';
import { interpolate, shieldReferences, unshieldReferences } from '../../src/config/interpolate.js';
import { ConfigError } from '../../src/config/errors.js';
import { parseConfig } from '../../src/config/load.js';

function one(text: string, env: NodeJS.ProcessEnv): unknown {
  const result = interpolate({ value: text }, env);
  expect(result.issues).toEqual([]);
  return (result.value as { value: unknown }).value;
}

function issuesFor(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  return interpolate({ a: [text] }, env).issues.map((issue) => `${issue.path.join('/')}: ${issue.message}`);
}

describe('interpolate', () => {
  it('replaces ${VAR} with the variable', () => {
    expect(one('${HOST}', { HOST: 'example.com' })).toBe('example.com');
  });

  it('replaces variables inside longer strings, several per string', () => {
    expect(one('https://${HOST}:${PORT}/v1', { HOST: 'example.com', PORT: '8443' })).toBe('https://example.com:8443/v1');
  });

  it('uses the default when the variable is unset or empty, and the value otherwise', () => {
    expect(one('${LEVEL:-info}', {})).toBe('info');
    expect(one('${LEVEL:-info}', { LEVEL: '' })).toBe('info');
    expect(one('${LEVEL:-info}', { LEVEL: 'debug' })).toBe('debug');
    expect(one('${URL:-http://localhost:4000/a b}', {})).toBe('http://localhost:4000/a b');
    expect(one('${OPTIONAL:-}', {})).toBe('');
  });

  it('keeps an empty variable without a default as an empty string', () => {
    expect(one('x${EMPTY}y', { EMPTY: '' })).toBe('xy');
  });

  it('turns $${ into a literal ${ without looking the variable up', () => {
    expect(one('$${HOME}', {})).toBe('${HOME}');
    expect(one('cost: $5, template $${name} for ${WHO}', { WHO: 'ops' })).toBe('cost: $5, template ${name} for ops');
  });

  it('leaves strings without references, numbers, booleans, nulls and keys alone', () => {
    const tree = { '${KEY}': 1, list: [true, null, 2.5, 'plain $ text'] };
    expect(interpolate(tree, { KEY: 'x' })).toEqual({ value: tree, issues: [] });
  });

  it('inserts values as text, never as YAML structure', () => {
    expect(one('${V}', { V: 'a: b # not a comment\n- [x, {y}]' })).toBe('a: b # not a comment\n- [x, {y}]');
  });

  it('reports every missing variable with its path', () => {
    const result = interpolate({ providers: { openai: { api_key: '${OPENAI_API_KEY}' } }, list: ['${A}-${B}'] }, {});
    expect(result.issues).toEqual([
      { path: ['providers', 'openai', 'api_key'], message: 'environment variable OPENAI_API_KEY is not set' },
      { path: ['list', 0], message: 'environment variable A is not set' },
      { path: ['list', 0], message: 'environment variable B is not set' },
    ]);
  });

  it('reports malformed references', () => {
    expect(issuesFor('${}')).toEqual(['a/0: invalid reference "${}": expected ${NAME} or ${NAME:-default}']);
    expect(issuesFor('${1ABC}')).toEqual(['a/0: invalid reference "${1ABC}": expected ${NAME} or ${NAME:-default}']);
    expect(issuesFor('${A-b}')).toEqual(['a/0: invalid reference "${A-b}": expected ${NAME} or ${NAME:-default}']);
    expect(issuesFor('x ${OPEN')).toEqual(['a/0: unterminated reference "${OPEN": expected a closing "}"']);
    expect(issuesFor('${A:-${B}}')).toEqual(['a/0: the default of ${A:-…} cannot contain another reference']);
  });

  it('offers a value that is exactly one reference to the coercion, and only such a value', () => {
    const seen: string[] = [];
    const coerce = (path: readonly (string | number)[], text: string): unknown => {
      seen.push(`${path.join('.')}=${text}`);
      return Number(text);
    };
    const result = interpolate({ whole: '${N}', defaulted: '${M:-7}', partial: 'n${N}', escaped: '$${N}' }, { N: '3' }, coerce);
    expect(result.value).toEqual({ whole: 3, defaulted: 7, partial: 'n3', escaped: '${N}' });
    expect(seen).toEqual(['whole=3', 'defaulted=7']);
  });
});

describe('shieldReferences', () => {
  it('keeps the text length and round-trips', () => {
    const text = 'a: { k: ${X}, j: [${Y:-z}] } $${E}';
    const shielded = shieldReferences(text);
    expect(shielded).toHaveLength(text.length);
    expect(shielded).not.toContain('${');
    expect(unshieldReferences(shielded)).toBe(text);
  });
});

describe('interpolation in parseConfig', () => {
  const env = { KEY: 'sk-123', RETRIES: '3', STREAMY: 'true', SECRET: 'x: y # z, [a] {b} "c" \'d\'' };

  it('accepts unquoted references inside flow mappings and lists', () => {
    const config = parseConfig('providers: { p: { type: openai, api_key: ${KEY} } }\nserver: { api_keys: [${KEY}, "${KEY}"] }', env);
    expect(config.providers['p']?.api_key).toBe('sk-123');
    expect(config.server.api_keys).toEqual(['sk-123', 'sk-123']);
  });

  it('keeps a value with YAML special characters intact, in block and flow style', () => {
    const secret = env.SECRET;
    expect(parseConfig('secret: ${SECRET}\n', env).secret).toBe(secret);
    expect(parseConfig('providers: { p: { type: openai, api_key: ${SECRET} } }', env).providers['p']?.api_key).toBe(secret);
  });

  it('turns a whole-value reference into a number or boolean where the schema wants one', () => {
    const config = parseConfig('routing: { retries: ${RETRIES}, timeout: ${RETRIES:-5}s }\nproviders: { p: { type: openai, pass_identity: ${STREAMY}, api_key: ${RETRIES} } }', env);
    expect(config.routing.retries).toBe(3);
    expect(config.routing.timeout).toBe(3000);
    expect(config.providers['p']?.pass_identity).toBe(true);
    // The schema wants a string here, so "3" stays "3".
    expect(config.providers['p']?.api_key).toBe('3');
  });

  it('keeps a duration from a variable as text so its unit is honoured', () => {
    expect(parseConfig('routing: { timeout: ${T} }', { T: '2m' }).routing.timeout).toBe(120_000);
    expect(parseConfig('routing: { timeout: ${T} }', { T: '250' }).routing.timeout).toBe(250);
  });

  it('reports a variable that does not convert with its path', () => {
    expect(() => parseConfig('routing: { retries: ${RETRIES} }', { RETRIES: 'many' }, 'gatehouse.yaml')).toThrow(
      new ConfigError('gatehouse.yaml', [{ path: 'routing.retries', message: 'expected a number, got a string' }]),
    );
  });

  it('yields a literal ${…} for $${…} in the file', () => {
    expect(parseConfig('providers: { p: { type: openai, headers: { X-Template: "$${user}" } } }', {}).providers['p']?.headers).toEqual({ 'X-Template': '${user}' });
  });
});
