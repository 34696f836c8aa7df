import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, type ProviderConfig } from '../../../src/config/schema.js';
import { SseParser } from '../../../src/llm/sse.js';
import type { JsonObject } from '../../../src/llm/types.js';
import { anthropicApiRoot, createAnthropicProvider } from '../../../src/providers/anthropic/index.js';
import type { Provider, UpstreamRequest } from '../../../src/providers/types.js';

interface Received {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

let server: Server;
let origin: string;
let received: Received[] = [];
let reply: Reply = { status: 200, headers: {}, body: '' };
const providers: Provider[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (piece: string) => (body += piece));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body });
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  received = [];
  await Promise.all(providers.splice(0).map((provider) => provider.close()));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function providerConfig(fields: Record<string, unknown>): ProviderConfig {
  const config = configSchema.parse({ providers: { claude: { type: 'anthropic', ...fields } } });
  return config.providers.claude as ProviderConfig;
}

function provider(fields: Record<string, unknown>): Provider {
  const created = createAnthropicProvider('claude', providerConfig({ base_url: origin, ...fields }), { connectTimeoutMs: 1000 });
  providers.push(created);
  return created;
}

function request(body: JsonObject, overrides: Partial<UpstreamRequest> = {}): UpstreamRequest {
  return { endpoint: 'messages', model: 'claude-sonnet-4-5', body, stream: body.stream === true, headers: {}, signal: new AbortController().signal, firstByteTimeoutMs: 5000, ...overrides };
}

const BODY = { model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Hello' }] };
const MESSAGE = {
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5',
  content: [{ type: 'text', text: 'Hi!' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 8, output_tokens: 3 },
};

describe('the Anthropic provider', () => {
  it('describes itself as an Anthropic-dialect provider serving only messages', () => {
    const claude = provider({ api_key: 'sk-ant-test' });
    expect([claude.name, claude.type, claude.dialect]).toEqual(['claude', 'anthropic', 'anthropic']);
    expect((['chat', 'completions', 'embeddings', 'messages'] as const).filter((endpoint) => claude.supports(endpoint))).toEqual(['messages']);
  });

  it('POSTs the JSON body to /v1/messages with the key, the default version and configured headers', async () => {
    reply = { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(MESSAGE) };
    const claude = provider({ api_key: 'sk-ant-test', headers: { 'X-Team': 'research' } });
    const response = await claude.send(request(BODY));
    expect(response.status).toBe(200);
    expect(JSON.parse(await response.body.text())).toEqual(MESSAGE);
    const [call] = received;
    expect(call?.method).toBe('POST');
    expect(call?.url).toBe('/v1/messages');
    expect(call?.headers['x-api-key']).toBe('sk-ant-test');
    expect(call?.headers['anthropic-version']).toBe('2023-06-01');
    expect(call?.headers['x-team']).toBe('research');
    expect(call?.headers['content-type']).toBe('application/json');
    expect(call?.headers.authorization).toBeUndefined();
    expect(JSON.parse(call?.body ?? '')).toEqual(BODY);
  });

  it("uses the client's forwarded anthropic-version and anthropic-beta, but never lets a call replace the key", async () => {
    reply = { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(MESSAGE) };
    const claude = provider({ api_key: 'sk-ant-test' });
    const headers = { 'Anthropic-Version': '2024-01-01', 'anthropic-beta': 'prompt-caching-2024-07-31', 'X-Api-Key': 'someone-else' };
    await (await claude.send(request(BODY, { headers }))).body.dump();
    const call = received[0];
    expect(call?.headers['anthropic-version']).toBe('2024-01-01');
    expect(call?.headers['anthropic-beta']).toBe('prompt-caching-2024-07-31');
    expect(call?.headers['x-api-key']).toBe('sk-ant-test');
  });

  it('streams an SSE response chunk by chunk', async () => {
    const events = [
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","usage":{"input_tokens":8,"output_tokens":1}}}\n\n',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}\n\n',
      'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    ];
    reply = { status: 200, headers: { 'content-type': 'text/event-stream' }, body: events.join('') };
    const claude = provider({ api_key: 'sk-ant-test', base_url: `${origin}/v1/` });
    const response = await claude.send(request({ ...BODY, stream: true }));
    expect(response.headers['content-type']).toBe('text/event-stream');
    const parser = new SseParser();
    const types: (string | undefined)[] = [];
    for await (const piece of response.body) types.push(...parser.push(piece).map((event) => event.event));
    expect(types).toEqual(['message_start', 'content_block_delta', 'message_stop']);
    expect(received[0]?.url).toBe('/v1/messages');
    expect(JSON.parse(received[0]?.body ?? '')).toEqual({ ...BODY, stream: true });
  });

  it('returns error statuses as they are, for the caller to classify', async () => {
    reply = { status: 429, headers: { 'content-type': 'application/json', 'retry-after': '3' }, body: '{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}' };
    const response = await provider({ api_key: 'sk-ant-test' }).send(request(BODY));
    expect(response.status).toBe(429);
    expect(response.headers['retry-after']).toBe('3');
    expect(await response.body.text()).toContain('rate_limit_error');
  });

  it('sends no x-api-key when none is configured (a proxy that authenticates otherwise)', async () => {
    reply = { status: 200, headers: {}, body: '{}' };
    await (await provider({ headers: { authorization: 'Bearer proxy-token' } }).send(request(BODY))).body.dump();
    expect(received[0]?.headers['x-api-key']).toBeUndefined();
    expect(received[0]?.headers.authorization).toBe('Bearer proxy-token');
  });

  it('refuses endpoints it does not serve', async () => {
    await expect(provider({ api_key: 'k' }).send(request(BODY, { endpoint: 'chat' }))).rejects.toMatchObject({ code: 'GH_ERR_ENDPOINT_UNSUPPORTED' });
    expect(received).toEqual([]);
  });
});

describe('anthropicApiRoot', () => {
  it.each([
    [undefined, 'https://api.anthropic.com/v1'],
    ['http://127.0.0.1:9000', 'http://127.0.0.1:9000/v1'],
    ['http://127.0.0.1:9000/', 'http://127.0.0.1:9000/v1'],
    ['https://proxy.example.com/v1', 'https://proxy.example.com/v1'],
    ['https://proxy.example.com/v1/', 'https://proxy.example.com/v1'],
    ['https://gateway.example.com/anthropic', 'https://gateway.example.com/anthropic/v1'],
  ])('%s → %s', (baseUrl, root) => {
    expect(anthropicApiRoot(baseUrl)).toBe(root);
  });
});
