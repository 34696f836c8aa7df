import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, type ProviderConfig } from '../../src/config/schema.js';
import { createProvider } from '../../src/providers/index.js';
import type { Provider, UpstreamRequest } from '../../src/providers/types.js';
import { recordingServer } from './upstream-server.js';

function providerConfig(raw: object): ProviderConfig {
  return configSchema.parse({ providers: { p: raw } }).providers.p!;
}

function call(endpoint: UpstreamRequest['endpoint'], model = 'gpt-4o'): UpstreamRequest {
  return { endpoint, model, body: { model, messages: [] }, stream: false, headers: {}, signal: new AbortController().signal, firstByteTimeoutMs: 5000 };
}

describe('OpenAI-compatible providers', () => {
  let upstream: Awaited<ReturnType<typeof recordingServer>>;
  const providers: Provider[] = [];
  const make = (raw: object) => {
    const provider = createProvider('p', providerConfig(raw), { connectTimeoutMs: 1000 });
    providers.push(provider);
    return provider;
  };

  beforeAll(async () => {
    upstream = await recordingServer(() => ({ body: '{"ok":true}' }));
  });
  afterAll(async () => {
    await Promise.all(providers.map((p) => p.close()));
    await upstream.close();
  });

  it('openai: posts each endpoint under base_url with a bearer key and configured headers', async () => {
    const provider = make({ type: 'openai', base_url: `${upstream.url}/v1`, api_key: 'sk-test', headers: { 'HTTP-Referer': 'https://example.com' } });
    for (const [endpoint, path] of [['chat', '/v1/chat/completions'], ['completions', '/v1/completions'], ['embeddings', '/v1/embeddings']] as const) {
      const response = await provider.send(call(endpoint));
      expect(await response.body.text()).toBe('{"ok":true}');
      const seen = upstream.requests.at(-1)!;
      expect(seen.url).toBe(path);
      expect(seen.headers.authorization).toBe('Bearer sk-test');
      expect(seen.headers['http-referer']).toBe('https://example.com');
      expect(JSON.parse(seen.body)).toEqual({ model: 'gpt-4o', messages: [] });
    }
    expect(provider.supports('messages')).toBe(false);
  });

  it('openai: a keyless local server gets no Authorization header', async () => {
    const provider = make({ type: 'openai', base_url: `${upstream.url}/v1` });
    await (await provider.send(call('chat'))).body.dump();
    expect(upstream.requests.at(-1)!.headers.authorization).toBeUndefined();
  });

  it('azure: deployment in the path, api-version in the query, api-key header', async () => {
    const provider = make({ type: 'azure', base_url: upstream.url, api_key: 'azure-key', api_version: '2024-10-21' });
    await (await provider.send(call('chat', 'my deploy'))).body.dump();
    const seen = upstream.requests.at(-1)!;
    expect(seen.url).toBe('/openai/deployments/my%20deploy/chat/completions?api-version=2024-10-21');
    expect(seen.headers['api-key']).toBe('azure-key');
    expect(seen.headers.authorization).toBeUndefined();
  });

  it('per-call headers are added to the fixed ones', async () => {
    const provider = make({ type: 'openai', base_url: upstream.url, api_key: 'k' });
    await (await provider.send({ ...call('chat'), headers: { 'x-gatehouse-jwt-assertion': 'jwt' } })).body.dump();
    expect(upstream.requests.at(-1)!.headers['x-gatehouse-jwt-assertion']).toBe('jwt');
    expect(upstream.requests.at(-1)!.url).toBe('/chat/completions');
  });

  it('a closed port is a connect failure the router may retry', async () => {
    const provider = make({ type: 'openai', base_url: 'http://127.0.0.1:1/v1' });
    await expect(provider.send(call('chat'))).rejects.toMatchObject({ name: 'UpstreamFailure', kind: 'connect' });
  });
});
