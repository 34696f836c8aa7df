/**
 * The translated streams, read by the official SDKs over real HTTP: if an SDK can assemble the final message from
 * our frames, a client using it can too.
 */
import Anthropic from '@anthropic-ai/sdk';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicToOpenaiStream, openaiToAnthropicStream } from '../../../src/llm/translate/index.js';
import { fixtureEvents, translateAll } from './sse-frames.js';

let server: Server;
let baseUrl: string;
let streamBody = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(streamBody);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const anthropicClient = () => new Anthropic({ apiKey: 'test-key', baseURL: baseUrl, maxRetries: 0 });
const openaiClient = () => new OpenAI({ apiKey: 'test-key', baseURL: `${baseUrl}/v1`, maxRetries: 0 });

describe('an Anthropic SDK client reading a translated OpenAI stream', () => {
  it('assembles text, tool inputs, stop reason and usage', async () => {
    streamBody = translateAll(openaiToAnthropicStream({ model: 'team-model' }), fixtureEvents('openai-stream-text-tool-calls.sse'));
    const stream = anthropicClient().messages.stream({ model: 'team-model', max_tokens: 100, messages: [{ role: 'user', content: 'Weather and time in Paris?' }] });
    let streamedText = '';
    stream.on('text', (delta) => (streamedText += delta));
    const message = await stream.finalMessage();
    expect(streamedText).toBe('Let me check both.');
    expect(message).toMatchObject({
      id: 'msg_BzX1aT9cUqCq8EoLq7Hq2zT1',
      model: 'team-model',
      role: 'assistant',
      content: [
        { type: 'text', text: 'Let me check both.' },
        { type: 'tool_use', id: 'call_Kx1rJ7iqJ3a4Bq5H', name: 'get_weather', input: { location: 'Paris' } },
        { type: 'tool_use', id: 'call_9fQ2mZpL0sW3xY7v', name: 'get_time', input: { timezone: 'Europe/Paris' } },
      ],
      stop_reason: 'tool_use',
      usage: { input_tokens: 266, output_tokens: 45, cache_read_input_tokens: 1024, cache_creation_input_tokens: 0 },
    });
  });

  it('raises an error for a stream cut off mid-answer', async () => {
    streamBody = translateAll(openaiToAnthropicStream({ model: 'team-model' }), fixtureEvents('openai-stream-text-tool-calls.sse').slice(0, 6));
    const stream = anthropicClient().messages.stream({ model: 'team-model', max_tokens: 100, messages: [{ role: 'user', content: 'x' }] });
    await expect(stream.finalMessage()).rejects.toThrow(/ended the stream before the response was complete/);
  });
});

describe('an OpenAI SDK client reading a translated Anthropic stream', () => {
  it('assembles content, tool calls, finish reason and usage', async () => {
    streamBody = translateAll(anthropicToOpenaiStream({ model: 'team-model', includeUsage: true }), fixtureEvents('anthropic-stream-text-tool-use.sse'));
    const stream = openaiClient().chat.completions.stream({ model: 'team-model', messages: [{ role: 'user', content: 'Weather?' }], stream_options: { include_usage: true } });
    const completion = await stream.finalChatCompletion();
    expect(completion).toMatchObject({
      id: 'chatcmpl-01XFDUDYJgAACzvnptvVoYEL',
      model: 'team-model',
      choices: [
        {
          index: 0,
          finish_reason: 'tool_calls',
          message: {
            role: 'assistant',
            content: "Okay, let's check the weather and time for San Francisco, CA:",
            tool_calls: [
              { id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', type: 'function', function: { name: 'get_weather', arguments: '{"location": "San Francisco, CA", "unit": "fahrenheit"}' } },
              { id: 'toolu_01PbL1C8FJXvJ6RQMHBvR4kx', type: 'function', function: { name: 'get_time', arguments: '{"timezone": "America/Los_Angeles"}' } },
            ],
          },
        },
      ],
      usage: { prompt_tokens: 600, completion_tokens: 89, total_tokens: 689 },
    });
  });

  it('raises an error for a stream cut off mid-answer', async () => {
    const events = fixtureEvents('anthropic-stream-text-tool-use.sse');
    streamBody = translateAll(anthropicToOpenaiStream({ model: 'team-model', includeUsage: false }), events.slice(0, 8));
    const stream = openaiClient().chat.completions.stream({ model: 'team-model', messages: [{ role: 'user', content: 'x' }] });
    await expect(stream.finalChatCompletion()).rejects.toThrow(/ended the stream before the response was complete/);
  });
});
