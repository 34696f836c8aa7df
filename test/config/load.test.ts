import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { loadConfig, parseConfig } from '../../src/config/load.js';

/** The DESIGN.md example, limited to the sections the schema has today, written the way the design writes it. */
const FULL = `
server:   { listen: 127.0.0.1:4000, public_url: http://localhost:4000, trusted_proxies: [], body_limit: 10mb,
            api_keys: [\${GATEHOUSE_ADMIN_KEY}] }
storage:  { url: sqlite:./data/gatehouse.db }
secret:   \${GATEHOUSE_SECRET}
logging:  { level: debug }

providers:
  openai:    { type: openai, api_key: \${OPENAI_API_KEY} }
  azure-eu:  { type: azure, base_url: https://eu.openai.azure.com, api_key: \${AZURE_KEY}, api_version: 2024-10-21 }
  anthropic: { type: anthropic, api_key: \${ANTHROPIC_API_KEY} }
  local:     { type: openai, base_url: http://127.0.0.1:8000/v1, pass_identity: true }

models:
  - name: gpt-4o
    tags: [premium]
    deployments:
      - { provider: openai,   model: gpt-4o,        region: us, weight: 2, rpm: 500, tpm: 2000000 }
      - { provider: azure-eu, model: gpt-4o-deploy, region: eu, input_cost_per_mtok: 2.5, output_cost_per_mtok: 10 }
    fallbacks: [gpt-4o-mini]
  - name: gpt-4o-mini
    deployments:
      - { provider: openai, model: gpt-4o-mini, timeout: 90s }

routing: { strategy: simple-shuffle, retries: 2, timeout: 600s, cooldown: { failures: 3, for: 30s } }
`;

const ENV = {
  GATEHOUSE_ADMIN_KEY: 'gh-admin-0123456789',
  GATEHOUSE_SECRET: 'a-secret-of-at-least-16-chars',
  OPENAI_API_KEY: 'sk-openai',
  AZURE_KEY: 'azure-key',
  ANTHROPIC_API_KEY: 'sk-ant',
};

function issuesOf(text: string, env: NodeJS.ProcessEnv = ENV): ConfigError['issues'] {
  try {
    parseConfig(text, env, 'gatehouse.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

function messagesOf(text: string, env: NodeJS.ProcessEnv = ENV): string[] {
  return issuesOf(text, env).map((issue) => `${issue.path}: ${issue.message}`);
}

const PROVIDER = 'providers: { openai: { type: openai } }\n';

describe('parseConfig: a valid configuration', () => {
  it('parses the design example with its values, interpolated variables and defaults', () => {
    const config = parseConfig(FULL, ENV, 'gatehouse.yaml');
    expect(config.server).toEqual({
      listen: '127.0.0.1:4000',
      public_url: 'http://localhost:4000',
      trusted_proxies: [],
      body_limit: 10 * 1024 * 1024,
      api_keys: ['gh-admin-0123456789'],
    });
    expect(config.storage).toEqual({ url: 'sqlite:./data/gatehouse.db', flush_interval: 1000, batch_size: 500 });
    expect(config.secret).toBe('a-secret-of-at-least-16-chars');
    expect(config.logging.level).toBe('debug');
    expect(config.providers['openai']).toEqual({
      type: 'openai',
      api_key: 'sk-openai',
      headers: {},
      pass_identity: false,
      latency: 0,
      chunk_delay: 0,
      max_connections: 256,
    });
    expect(config.providers['azure-eu']).toMatchObject({ base_url: 'https://eu.openai.azure.com', api_key: 'azure-key', api_version: '2024-10-21' });
    expect(config.providers['local']).toMatchObject({ pass_identity: true, base_url: 'http://127.0.0.1:8000/v1' });
    expect(config.models[0]).toEqual({
      name: 'gpt-4o',
      tags: ['premium'],
      deployments: [
        { provider: 'openai', model: 'gpt-4o', region: 'us', weight: 2, rpm: 500, tpm: 2_000_000 },
        { provider: 'azure-eu', model: 'gpt-4o-deploy', region: 'eu', weight: 1, input_cost_per_mtok: 2.5, output_cost_per_mtok: 10 },
      ],
      fallbacks: ['gpt-4o-mini'],
    });
    expect(config.models[1]?.deployments[0]?.timeout).toBe(90_000);
    expect(config.routing).toEqual({
      strategy: 'simple-shuffle',
      retries: 2,
      timeout: 600_000,
      connect_timeout: 10_000,
      first_byte_timeout: 120_000,
      backoff: { initial: 250, max: 8000 },
      cooldown: { failures: 3, for: 30_000 },
    });
  });

  it.each([
    ['an empty file', ''],
    ['a file holding only comments', '# nothing configured yet\n   # still nothing\n'],
    ['a document marker alone', '---\n'],
  ])('treats %s as all defaults', (_name, text) => {
    const config = parseConfig(text, {});
    expect(config.server.listen).toBe('127.0.0.1:4000');
    expect(config.server.body_limit).toBe(10 * 1024 * 1024);
    expect(config.storage.flush_interval).toBe(1000);
    expect(config.routing.timeout).toBe(600_000);
    expect(config.routing.cooldown).toEqual({ failures: 3, for: 30_000 });
    expect(config.providers).toEqual({});
    expect(config.models).toEqual([]);
  });

  it('treats a section whose keys are all commented out as absent', () => {
    const config = parseConfig('server:\n  # listen: 0.0.0.0:4000\nrouting:\n', {});
    expect(config.server.listen).toBe('127.0.0.1:4000');
    expect(config.routing.retries).toBe(2);
  });

  it('drops bootstrap API keys whose optional variable is unset', () => {
    const config = parseConfig('server: { api_keys: ["${EXTRA_KEY:-}", "${ADMIN_KEY}"] }', { ADMIN_KEY: 'gh-admin' });
    expect(config.server.api_keys).toEqual(['gh-admin']);
  });

  it('resolves YAML anchors and aliases', () => {
    const text = `${PROVIDER}models:\n  - { name: a, deployments: [&d { provider: openai, model: m }] }\n  - { name: b, deployments: [*d] }\n`;
    expect(parseConfig(text, {}).models[1]?.deployments[0]).toMatchObject({ provider: 'openai', model: 'm' });
  });
});

describe('parseConfig: errors name the path', () => {
  it('rejects an unknown top-level key, listing the allowed ones', () => {
    const text = 'identity: { admins: { groups: [a] } }\npolicies: []\nredis: { url: "redis://127.0.0.1:6379" }\nlimit: { on_redis_error: open }\n';
    const issues = issuesOf(text);
    expect(issues.map((issue) => issue.path)).toEqual(['limit']);
    expect(issues[0]?.message).toMatch(/^unknown top-level key; allowed keys: server, storage, secret, logging, providers, models, routing, redis, limits, budgets, /);
  });

  it('checks the limits and budgets sections', () => {
    const text = 'limits: { on_redis_error: maybe, slot_lease: 1m }\nrouting: { timeout: 5m }\nbudgets: { timezone: Mars/Olympus, claim_dimensions: [department], webhook_url: "http://127.0.0.1:9/hook" }\n';
    expect(issuesOf(text).map((issue) => issue.path).sort()).toEqual(['budgets.claim_dimensions[0]', 'budgets.timezone', 'limits.on_redis_error']);
    const refined = 'limits: { slot_lease: 1m }\nrouting: { timeout: 5m }\nbudgets: { reservation_ttl: 10m, webhook_url: "http://127.0.0.1:9/hook" }\n';
    expect(issuesOf(refined).map((issue) => issue.path).sort()).toEqual(['budgets.webhook_url', 'limits.slot_lease']);
  });

  it('names an unknown key at several depths, with the keys allowed there', () => {
    const text = `${PROVIDER}server: { listn: 1.2.3.4:80 }\nrouting: { cooldown: { failurs: 2 } }\nmodels: [{ name: a, deploymnets: [], deployments: [{ provider: openai, model: m, wieght: 2 }] }]\n`;
    expect(messagesOf(text)).toEqual([
      'server: unknown key "listn"; allowed keys: listen, public_url, trusted_proxies, body_limit, api_keys',
      'models[0].deployments[0]: unknown key "wieght"; allowed keys: id, provider, model, region, weight, rpm, tpm, input_cost_per_mtok, output_cost_per_mtok, timeout',
      'models[0]: unknown key "deploymnets"; allowed keys: name, description, tags, deployments, fallbacks',
      'routing.cooldown: unknown key "failurs"; allowed keys: failures, for',
    ]);
  });

  it('names an unknown key inside a provider, whose name is free-form', () => {
    expect(messagesOf('providers: { azure-eu: { type: openai, apikey: x } }')).toEqual([
      'providers.azure-eu: unknown key "apikey"; allowed keys: type, base_url, api_key, api_version, headers, pass_identity, latency, chunk_delay, max_connections',
    ]);
  });

  it('reports a wrong type with what was expected and what was found, without echoing the value', () => {
    expect(messagesOf('routing: { retries: "two" }\nproviders: { p: { type: openai, api_key: 12345 } }\nmodels: {}')).toEqual([
      'providers.p.api_key: expected a string, got a whole number',
      'models: expected a list, got a mapping',
      'routing.retries: expected a number, got a string',
    ]);
  });

  it('lists the valid provider types for an unknown one', () => {
    expect(messagesOf('providers: { openai: { type: opnai } }')).toEqual([
      'providers.openai.type: unknown provider type "opnai"; expected one of openai, azure, anthropic, mock',
    ]);
  });

  it('says what an enum expected', () => {
    expect(messagesOf('routing: { strategy: round-robin }')).toEqual([
      'routing.strategy: expected one of "simple-shuffle", "least-busy", "lowest-latency"; got "round-robin"',
    ]);
  });

  it('reports a deployment that references an unknown provider', () => {
    const [message] = messagesOf(`${PROVIDER}models: [{ name: a, deployments: [{ provider: opnai, model: m }] }]`);
    expect(message).toBe('models[0].deployments[0].provider: unknown provider "opnai"; configured providers: openai');
  });

  it('reports bad durations and sizes', () => {
    expect(messagesOf('routing: { timeout: 10 minutes, backoff: { max: -1s } }\nserver: { body_limit: lots }')).toEqual([
      'server.body_limit: expected a size such as "10mb" or "512kb", got "lots"',
      'routing.timeout: expected a duration such as "30s", "500ms" or "5m", got "10 minutes"',
      'routing.backoff.max: expected a duration such as "30s", "500ms" or "5m", got "-1s"',
    ]);
  });

  it.each([
    ['localhost', 'expected host:port, such as 127.0.0.1:4000'],
    ['http://0.0.0.0:4000', 'expected host:port, such as 127.0.0.1:4000'],
    ['0.0.0.0:70000', 'the port must be at most 65535'],
  ])('reports a bad listen address %s', (listen, message) => {
    expect(messagesOf(`server: { listen: "${listen}" }`)).toEqual([`server.listen: ${message}`]);
  });

  it('accepts an IPv6 listen address', () => {
    expect(parseConfig('server: { listen: "[::1]:4000" }', {}).server.listen).toBe('[::1]:4000');
  });

  it('names the missing variable and every path that uses it', () => {
    const text = 'providers:\n  openai: { type: openai, api_key: ${OPENAI_API_KEY} }\n  other: { type: openai, api_key: "Bearer ${OPENAI_API_KEY}" }\n';
    expect(messagesOf(text, {})).toEqual([
      'providers.openai.api_key: environment variable OPENAI_API_KEY is not set',
      'providers.other.api_key: environment variable OPENAI_API_KEY is not set',
    ]);
  });

  it('does not add schema noise about a value whose variable is missing', () => {
    // Without the variable the secret would be "" and too short; only the real cause is reported.
    expect(messagesOf('secret: ${GATEHOUSE_SECRET}', {})).toEqual(['secret: environment variable GATEHOUSE_SECRET is not set']);
  });

  it('reports every problem together, in one error whose message lists them under the file name', () => {
    const text = 'secret: ${NOPE}\nserver: { listen: nowhere, colour: blue }\nlogging: { level: loud }\nproviders: { p: { type: opnai } }\n';
    let caught: unknown;
    try {
      parseConfig(text, {}, 'gatehouse.yaml');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).message).toBe(
      [
        'Invalid configuration in gatehouse.yaml:',
        '  secret: environment variable NOPE is not set',
        '  server.listen: expected host:port, such as 127.0.0.1:4000',
        '  server: unknown key "colour"; allowed keys: listen, public_url, trusted_proxies, body_limit, api_keys',
        '  logging.level: expected one of "fatal", "error", "warn", "info", "debug", "trace", "silent"; got "loud"',
        '  providers.p.type: unknown provider type "opnai"; expected one of openai, azure, anthropic, mock',
      ].join('\n'),
    );
  });

  it('reports a YAML syntax error with its line and column', () => {
    const issues = issuesOf('server:\n  listen: 127.0.0.1:4000\nmodels: [a, b\nrouting: {}\n');
    expect(issues[0]).toMatchObject({ path: 'line 4, column 1', line: 4, column: 1 });
    expect(issues[0]?.message).toMatch(/Flow sequence/);
  });

  it('reports a duplicate YAML key with its line', () => {
    expect(issuesOf('logging: { level: info }\nlogging: { level: debug }\n')).toEqual([{ path: 'line 2, column 1', line: 2, column: 1, message: 'duplicate key' }]);
  });

  it('reports a second YAML document', () => {
    expect(messagesOf('logging: { level: info }\n---\nrouting: {}\n')).toEqual(['line 2, column 1: the file must hold a single YAML document (found a second "---")']);
  });

  it('reports an alias to an undefined anchor', () => {
    expect(messagesOf('routing: *nowhere\n')[0]).toMatch(/^\(file\): Unresolved alias/);
  });

  it('reports a file that is not a mapping', () => {
    expect(messagesOf('- server\n- models\n')).toEqual(['(root): expected a mapping, got a list']);
  });

  it('reports duplicate model names', () => {
    const text = `${PROVIDER}models:\n  - { name: a, deployments: [{ provider: openai, model: m }] }\n  - { name: a, deployments: [{ provider: openai, model: n }] }\n`;
    expect(messagesOf(text)).toEqual(['models[1].name: duplicate model name "a"']);
  });

  it('reports a fallback to an unknown model group', () => {
    const text = `${PROVIDER}models: [{ name: a, deployments: [{ provider: openai, model: m }], fallbacks: [gpt-5] }]\n`;
    expect(messagesOf(text)).toEqual(['models[0].fallbacks[0]: unknown model "gpt-5"']);
  });

  it('reports a model without deployments and a provider name with spaces', () => {
    expect(messagesOf('models: [{ name: a }]\nproviders: { "my provider": { type: openai } }')).toEqual([
      'providers["my provider"]: invalid name "my provider": provider names use letters, digits, "-", "_" and "."',
      'models[0].deployments: required',
    ]);
  });

  it('reports numbers out of range', () => {
    expect(messagesOf('routing: { retries: 11, cooldown: { failures: 0 } }\nstorage: { batch_size: 2.5 }')).toEqual([
      'storage.batch_size: expected a whole number, got a number',
      'routing.retries: must be at most 10',
      'routing.cooldown.failures: must be more than 0',
    ]);
  });
});

describe('loadConfig', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatehouse-config-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads, interpolates and validates a file', async () => {
    const file = join(dir, 'gatehouse.yaml');
    await writeFile(file, FULL);
    const config = await loadConfig(file, ENV);
    expect(config.providers['anthropic']?.api_key).toBe('sk-ant');
  });

  it('names the file in the error header', async () => {
    const file = join(dir, 'gatehouse.yaml');
    await writeFile(file, 'logging: { level: loud }\n');
    await expect(loadConfig(file, {})).rejects.toThrow(`Invalid configuration in ${file}:\n  logging.level: expected one of`);
  });

  it('reports a missing file as a ConfigError', async () => {
    const file = join(dir, 'missing.yaml');
    const error: unknown = await loadConfig(file, {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(new RegExp(`^Cannot read configuration file ${file}:\\n.*ENOENT`));
  });
});
