/**
 * Every error a client can meet, checked with each SDK's own error classes (status and body shape): missing and
 * wrong credentials, broken JSON, schema violations that name the field, bodies over the limit, unknown models,
 * fields that would pick upstreams or keys, and upstream failures. Last, everything any client was sent and every
 * log line is scanned: the upstream key and stack traces must never appear.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicClient, openaiClient } from '../support/clients.js';
import { closedPortUrl } from '../support/closed-port.js';
import { anthropicProvider, GATEWAY_KEY, openaiProvider, UPSTREAM_KEY } from '../support/config.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { post, type RawResponse } from '../support/raw-http.js';
import { ResponseLog } from '../support/response-log.js';
import { AnthropicUpstream } from '../support/upstreams/anthropic-upstream.js';
import { OpenaiUpstream } from '../support/upstreams/openai-upstream.js';

type OpenAIError = InstanceType<typeof OpenAI.APIError>;
type AnthropicError = InstanceType<typeof Anthropic.APIError>;

const WRONG_KEY = 'gh-wrong-key-9876543210';
const CONTEXT_MESSAGE = "This model's maximum context length is 8192 tokens.";

let gpt: OpenaiUpstream;
let claude: AnthropicUpstream;
let refusing: OpenaiUpstream;
let refusingClaude: AnthropicUpstream;
let rejecting: OpenaiUpstream;
let broken: OpenaiUpstream;
let gw: TestGateway;
const log = new ResponseLog();
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  [gpt, claude, refusing, refusingClaude, rejecting, broken] = await Promise.all([
    OpenaiUpstream.start(),
    AnthropicUpstream.start(),
    OpenaiUpstream.start(),
    AnthropicUpstream.start(),
    OpenaiUpstream.start(),
    OpenaiUpstream.start(),
  ]);
  // Upstreams that echo the key back, as real providers do in their 401 messages.
  refusing.always({ kind: 'status', status: 401, body: { error: { message: `Incorrect API key provided: ${UPSTREAM_KEY}.`, type: 'invalid_request_error', code: 'invalid_api_key' } } });
  refusingClaude.always({ kind: 'status', status: 401, body: { type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key ${UPSTREAM_KEY}` } } });
  rejecting.always({ kind: 'status', status: 400, body: { error: { message: `${CONTEXT_MESSAGE} (key ${UPSTREAM_KEY})`, type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } } });
  broken.always({ kind: 'status', status: 500 });
  gw = await startTestGateway({
    server: { body_limit: '64kb' },
    providers: {
      gpt: openaiProvider(gpt),
      claude: anthropicProvider(claude),
      refusing: openaiProvider(refusing),
      'refusing-claude': anthropicProvider(refusingClaude),
      rejecting: openaiProvider(rejecting),
      broken: openaiProvider(broken),
      dead: { type: 'openai', base_url: await closedPortUrl(), api_key: UPSTREAM_KEY },
    },
    models: [
      { name: 'gpt', deployments: [{ provider: 'gpt', model: 'gpt-upstream' }] },
      { name: 'claude', deployments: [{ provider: 'claude', model: 'claude-upstream' }] },
      { name: 'refused', deployments: [{ provider: 'refusing', model: 'r' }] },
      { name: 'refused-claude', deployments: [{ provider: 'refusing-claude', model: 'rc' }] },
      { name: 'rejected', deployments: [{ provider: 'rejecting', model: 'x' }] },
      { name: 'failing', deployments: [{ provider: 'broken', model: 'f' }] },
      { name: 'unreachable', deployments: [{ provider: 'dead', model: 'u' }] },
    ],
    routing: { retries: 1, backoff: { initial: '10ms', max: '50ms' }, cooldown: { failures: 1000, for: '1s' } },
  });
  openai = openaiClient(gw, { log });
  anthropic = anthropicClient(gw, { log });
});

afterAll(async () => {
  await gw?.close();
  await Promise.all([gpt, claude, refusing, refusingClaude, rejecting, broken].map((server) => server?.close()));
});

async function rawPost(path: string, body: unknown, headers?: Record<string, string>): Promise<RawResponse> {
  const response = await post(`${gw.url}${path}`, body, headers);
  log.add(path, response.status, response.headers, response.text);
  return response;
}

function caught<T>(promise: Promise<T>): Promise<unknown> {
  return promise.then(
    () => new Error('expected the call to fail'),
    (error: unknown) => error,
  );
}

const chat = { model: 'gpt', messages: [{ role: 'user' as const, content: 'hi' }] };
const message = { model: 'claude', max_tokens: 10, messages: [{ role: 'user' as const, content: 'hi' }] };

describe('credentials', () => {
  it('401 without any credential, in each dialect', async () => {
    const openaiShape = await rawPost('/v1/chat/completions', chat, {});
    expect(openaiShape.status).toBe(401);
    expect(JSON.parse(openaiShape.text)).toEqual({ error: { message: expect.any(String), type: 'authentication_error', param: null, code: 'invalid_api_key' } });
    const anthropicShape = await rawPost('/v1/messages', message, {});
    expect(anthropicShape.status).toBe(401);
    expect(JSON.parse(anthropicShape.text)).toMatchObject({ type: 'error', error: { type: 'authentication_error', message: expect.any(String) } });
  });

  it('401 for a wrong key in Authorization: Bearer (OpenAI SDK)', async () => {
    const error = await caught(openaiClient(gw, { apiKey: WRONG_KEY, log }).chat.completions.create(chat));
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as OpenAIError).error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key' });
  });

  it('401 for a wrong key in x-api-key (Anthropic SDK)', async () => {
    const error = await caught(anthropicClient(gw, { apiKey: WRONG_KEY, log }).messages.create(message));
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((error as AnthropicError).error).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });
});

describe('malformed requests', () => {
  it('400 for a body that is not JSON', async () => {
    const response = await rawPost('/v1/chat/completions', '{"model": "gpt", "messages": [', { authorization: `Bearer ${GATEWAY_KEY}` });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text)).toMatchObject({ error: { type: 'invalid_request_error' } });
    const anthropicShape = await rawPost('/v1/messages', '{not json', { 'x-api-key': GATEWAY_KEY });
    expect(anthropicShape.status).toBe(400);
    expect(JSON.parse(anthropicShape.text)).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });

  it('400 naming the field when messages is missing', async () => {
    const error = await caught(openai.chat.completions.create({ model: 'gpt' } as OpenAI.ChatCompletionCreateParamsNonStreaming));
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as OpenAIError).param).toBe('messages');
    expect((error as OpenAIError).message).toContain('messages');
  });

  it('400 naming the field when a message has an unknown role', async () => {
    const bad = { model: 'gpt', messages: [{ role: 'robot', content: 'beep' }] } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming;
    const error = await caught(openai.chat.completions.create(bad));
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as OpenAIError).param).toBe('messages[0].role');
  });

  it('400 in Anthropic shape when max_tokens is missing', async () => {
    const error = await caught(anthropic.messages.create({ model: 'claude', messages: message.messages } as Anthropic.MessageCreateParamsNonStreaming));
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as AnthropicError).error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('max_tokens') } });
  });

  it('413 for a body over server.body_limit', async () => {
    const before = gpt.count + claude.count;
    const big = 'x'.repeat(100 * 1024);
    const error = await caught(openai.chat.completions.create({ model: 'gpt', messages: [{ role: 'user', content: big }] }));
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as OpenAIError).status).toBe(413);
    const anthropicError = await caught(anthropic.messages.create({ ...message, messages: [{ role: 'user', content: big }] }));
    expect(anthropicError).toBeInstanceOf(Anthropic.ContentTooLargeError);
    expect((anthropicError as AnthropicError).error).toMatchObject({ type: 'error', error: { type: 'request_too_large' } });
    expect(gpt.count + claude.count).toBe(before);
  });

  it('404 model_not_found for an unknown model', async () => {
    const error = await caught(openai.chat.completions.create({ ...chat, model: 'gpt-17' }));
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as OpenAIError).code).toBe('model_not_found');
    const anthropicError = await caught(anthropic.messages.create({ ...message, model: 'claude-17' }));
    expect(anthropicError).toBeInstanceOf(Anthropic.NotFoundError);
    expect((anthropicError as AnthropicError).error).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
  });

  it.each(['api_base', 'base_url', 'api_key'])('400 for %s in the body, and the upstream is never called', async (field) => {
    const before = gpt.count + claude.count;
    const error = await caught(openai.chat.completions.create({ ...chat, [field]: 'http://attacker.example' } as OpenAI.ChatCompletionCreateParamsNonStreaming));
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as OpenAIError).param).toBe(field);
    const anthropicError = await caught(anthropic.messages.create({ ...message, [field]: 'http://attacker.example' } as Anthropic.MessageCreateParamsNonStreaming));
    expect(anthropicError).toBeInstanceOf(Anthropic.BadRequestError);
    expect(gpt.count + claude.count).toBe(before);
  });
});

describe('upstream failures', () => {
  it('502 when the upstream keeps failing, after retries', async () => {
    const error = await caught(openai.chat.completions.create({ ...chat, model: 'failing' }));
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as OpenAIError).status).toBe(502);
    expect((error as OpenAIError).error).toMatchObject({ type: 'api_error', code: 'gh_err_upstream_error' });
    expect(broken.count).toBe(2);
    const anthropicError = await caught(anthropic.messages.create({ ...message, model: 'failing' }));
    expect(anthropicError).toBeInstanceOf(Anthropic.InternalServerError);
    expect((anthropicError as AnthropicError).status).toBe(502);
    expect((anthropicError as AnthropicError).error).toMatchObject({ type: 'error', error: { type: 'api_error' } });
  });

  it('503 when the upstream cannot be reached', async () => {
    const error = await caught(openai.chat.completions.create({ ...chat, model: 'unreachable' }));
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as OpenAIError).status).toBe(503);
    const anthropicError = await caught(anthropic.messages.create({ ...message, model: 'unreachable' }));
    expect(anthropicError).toBeInstanceOf(Anthropic.ServiceUnavailableError);
  });

  it('502 when the upstream refuses the gateway key, without that key in the body', async () => {
    const error = await caught(openai.chat.completions.create({ ...chat, model: 'refused' }));
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as OpenAIError).status).toBe(502);
    expect((error as OpenAIError).error).toMatchObject({ code: 'gh_err_upstream_auth' });
    expect(JSON.stringify((error as OpenAIError).error)).not.toContain(UPSTREAM_KEY);
    const anthropicError = await caught(anthropic.messages.create({ ...message, model: 'refused-claude' }));
    expect(anthropicError).toBeInstanceOf(Anthropic.InternalServerError);
    expect((anthropicError as AnthropicError).status).toBe(502);
  });

  it("passes an upstream 400's message on, with the key scrubbed", async () => {
    const error = await caught(openai.chat.completions.create({ ...chat, model: 'rejected' }));
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as OpenAIError).message).toContain(CONTEXT_MESSAGE);
    expect((error as OpenAIError).message).not.toContain(UPSTREAM_KEY);
    // A client mistake says nothing about the deployment's health: no retry.
    expect(rejecting.count).toBe(1);
  });
});

describe('nothing leaks', () => {
  it('no response body or log line holds the upstream key, a client key or a stack trace', async () => {
    const bodies = await log.texts();
    expect(bodies.length).toBeGreaterThan(20);
    for (const body of bodies) {
      expect(body).not.toContain(UPSTREAM_KEY);
      expect(body).not.toMatch(/^\s+at /m);
    }
    expect(gw.logs.lines.length).toBeGreaterThan(0);
    for (const line of gw.logs.lines) {
      expect(line).not.toContain(UPSTREAM_KEY);
      expect(line).not.toContain(GATEWAY_KEY);
      expect(line).not.toContain(WRONG_KEY);
      expect(line).not.toMatch(/\\n\s+at /);
    }
  });
});
