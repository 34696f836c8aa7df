import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../../src/errors.js';
import { normalize } from '../../src/llm/normalize.js';

function refusal(fn: () => unknown): GatehouseError {
  try {
    fn();
  } catch (error) {
    if (error instanceof GatehouseError) return error;
    throw error;
  }
  throw new Error('expected a GatehouseError');
}

describe('normalize', () => {
  it('keeps the client body untouched and reads what the pipeline needs', () => {
    const body = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true }, max_tokens: 12, tools: [{ type: 'function', function: { name: 'f' } }], vendor_field: { x: 1 } };
    const request = normalize('chat', body);
    expect(request).toMatchObject({ endpoint: 'chat', dialect: 'openai', model: 'gpt-4o', stream: true, clientWantsStreamUsage: true, maxTokens: 12, hasTools: true });
    expect(request.body).toBe(body);
  });

  it('prefers max_completion_tokens over max_tokens', () => {
    expect(normalize('chat', { model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: 5, max_completion_tokens: 9 }).maxTokens).toBe(9);
  });

  it('treats Anthropic messages as the anthropic dialect', () => {
    const request = normalize('messages', { model: 'claude', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], stream: true });
    expect(request).toMatchObject({ dialect: 'anthropic', stream: true, clientWantsStreamUsage: false });
  });

  it('never streams embeddings', () => {
    expect(normalize('embeddings', { model: 'e', input: 'x', stream: true }).stream).toBe(false);
  });

  it.each([
    ['chat', { messages: [{ role: 'user', content: 'x' }] }, 'model'],
    ['chat', { model: 'm' }, 'messages'],
    ['chat', { model: 'm', messages: [{ role: 'wizard', content: 'x' }] }, 'messages[0].role'],
    ['chat', { model: 'm', messages: [{ role: 'user', content: 'x' }], temperature: 7 }, 'temperature'],
    ['chat', { model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: -1 }, 'max_tokens'],
    ['chat', { model: 'm', messages: [{ role: 'user', content: 'x' }], stream: 'yes' }, 'stream'],
    ['messages', { model: 'c', messages: [{ role: 'user', content: 'x' }] }, 'max_tokens'],
    ['messages', { model: 'c', max_tokens: 5, messages: [{ role: 'system', content: 'x' }] }, 'messages[0].role'],
    ['embeddings', { model: 'e' }, 'input'],
    ['completions', { model: 'c', prompt: 42 }, 'prompt'],
  ] as const)('%s: rejects an invalid body naming %s', (endpoint, body, param) => {
    const error = refusal(() => normalize(endpoint, body));
    expect(error.code).toBe('GH_ERR_BAD_REQUEST');
    expect(error.status).toBe(400);
    expect(error.param).toBe(param);
    expect(error.message).toContain(param);
  });

  it.each(['api_base', 'base_url', 'api_key', 'custom_llm_provider'])('refuses a client-chosen upstream or key (%s)', (field) => {
    const error = refusal(() => normalize('chat', { model: 'm', messages: [{ role: 'user', content: 'x' }], [field]: 'http://evil.example' }));
    expect(error.code).toBe('GH_ERR_FORBIDDEN_FIELD');
    expect(error.param).toBe(field);
  });

  it.each([null, [], 'text', 3])('rejects a body that is not an object (%j)', (body) => {
    expect(refusal(() => normalize('chat', body)).code).toBe('GH_ERR_BAD_REQUEST');
  });
});
