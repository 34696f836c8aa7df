/**
 * Usage and cost: one usage record per request (tokens, cost from the configured prices, status, deployment), the
 * `x-request-id` and `x-gatehouse-cost` headers matching the stored row, and a graceful shutdown that writes every
 * queued record before the process would exit.
 */
import type Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicClient, openaiClient } from '../support/clients.js';
import { anthropicProvider, openaiProvider } from '../support/config.js';
import { readUsageRecords, startTestGateway, type TestGateway } from '../support/gateway.js';
import { AnthropicUpstream } from '../support/upstreams/anthropic-upstream.js';
import { OpenaiUpstream } from '../support/upstreams/openai-upstream.js';

let gpt: OpenaiUpstream;
let claude: AnthropicUpstream;
let gw: TestGateway;
let openai: OpenAI;
let anthropic: Anthropic;
/** Every request id this file's gateway answered, to check there is exactly one record each. */
const requestIds: string[] = [];

// 1000 × $2.5/M + 500 × $10/M
const GPT_COST = 0.0075;
// 2000 × $3/M + 300 × $15/M
const CLAUDE_COST = 0.0105;

beforeAll(async () => {
  [gpt, claude] = await Promise.all([OpenaiUpstream.start(), AnthropicUpstream.start()]);
  gpt.usage = { prompt: 1000, completion: 500 };
  claude.usage = { input: 2000, output: 300 };
  gw = await startTestGateway({
    providers: { gpt: openaiProvider(gpt), claude: anthropicProvider(claude) },
    models: [
      { name: 'priced-gpt', deployments: [{ provider: 'gpt', model: 'gpt-upstream', input_cost_per_mtok: 2.5, output_cost_per_mtok: 10 }] },
      { name: 'priced-claude', deployments: [{ provider: 'claude', model: 'claude-upstream', input_cost_per_mtok: 3, output_cost_per_mtok: 15 }] },
    ],
  });
  openai = openaiClient(gw);
  anthropic = anthropicClient(gw);
});

afterAll(async () => {
  await gw?.close();
  await Promise.all([gpt?.close(), claude?.close()]);
});

async function recordOf(requestId: string) {
  const records = await gw.waitForUsage((rows) => rows.some((row) => row.requestId === requestId));
  return records.find((row) => row.requestId === requestId)!;
}

describe('usage records', () => {
  it('records an OpenAI chat with its tokens and exact cost, matching the response headers', async () => {
    const { data, response } = await openai.chat.completions.create({ model: 'priced-gpt', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    const requestId = response.headers.get('x-request-id')!;
    requestIds.push(requestId);
    expect(requestId).toMatch(/^req_/);
    expect(Number(response.headers.get('x-gatehouse-cost'))).toBeCloseTo(GPT_COST, 10);
    expect(data.usage).toMatchObject({ prompt_tokens: 1000, completion_tokens: 500 });
    const record = await recordOf(requestId);
    expect(record).toMatchObject({ endpoint: 'chat', modelGroup: 'priced-gpt', deployment: 'gpt/gpt-upstream', provider: 'gpt', upstreamModel: 'gpt-upstream', stream: false, inputTokens: 1000, outputTokens: 500, status: 200, errorCode: null });
    expect(record.costUsd).toBeCloseTo(GPT_COST, 10);
    expect(record.principal).not.toBe('anonymous');
    expect(record.latencyMs).toBeGreaterThanOrEqual(0);
    expect(record.upstreamLatencyMs).not.toBeNull();
  });

  it('records an Anthropic message with its cost', async () => {
    const { response } = await anthropic.messages.create({ model: 'priced-claude', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    const requestId = response.headers.get('x-request-id')!;
    requestIds.push(requestId);
    expect(Number(response.headers.get('x-gatehouse-cost'))).toBeCloseTo(CLAUDE_COST, 10);
    const record = await recordOf(requestId);
    expect(record).toMatchObject({ endpoint: 'messages', modelGroup: 'priced-claude', deployment: 'claude/claude-upstream', inputTokens: 2000, outputTokens: 300, status: 200 });
    expect(record.costUsd).toBeCloseTo(CLAUDE_COST, 10);
  });

  it('records a stream with the usage read from it', async () => {
    const { data: stream, response } = await openai.chat.completions.create({ model: 'priced-gpt', stream: true, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    for await (const _chunk of stream) void _chunk;
    const requestId = response.headers.get('x-request-id')!;
    requestIds.push(requestId);
    const record = await recordOf(requestId);
    expect(record).toMatchObject({ stream: true, inputTokens: 1000, outputTokens: 500, status: 200, errorCode: null });
    expect(record.costUsd).toBeCloseTo(GPT_COST, 10);
  });

  it('records a translated stream (Anthropic SDK, OpenAI upstream)', async () => {
    const stream = anthropic.messages.stream({ model: 'priced-gpt', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    await stream.finalMessage();
    const requestId = (await stream.withResponse()).response.headers.get('x-request-id')!;
    requestIds.push(requestId);
    const record = await recordOf(requestId);
    expect(record).toMatchObject({ endpoint: 'messages', stream: true, inputTokens: 1000, outputTokens: 500 });
    expect(record.costUsd).toBeCloseTo(GPT_COST, 10);
  });

  it('records a refused request with its status and no deployment', async () => {
    const error: unknown = await openai.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    const requestId = (error as InstanceType<typeof OpenAI.NotFoundError>).headers.get('x-request-id');
    expect(requestId).toMatch(/^req_/);
    requestIds.push(requestId!);
    const record = await recordOf(requestId!);
    expect(record).toMatchObject({ modelGroup: 'no-such-model', deployment: null, status: 404, errorCode: 'GH_ERR_MODEL_NOT_FOUND', inputTokens: 0, costUsd: 0 });
  });

  it('holds exactly one record per request', async () => {
    const records = await gw.waitForUsage((rows) => rows.length >= requestIds.length);
    expect(records.map((row) => row.requestId).sort()).toEqual([...requestIds].sort());
  });
});

describe('graceful shutdown', () => {
  it('writes every queued record on close', async () => {
    const late = await startTestGateway({
      storage: { flush_interval: '1h', batch_size: 1000 },
      providers: { gpt: openaiProvider(gpt) },
      models: [{ name: 'priced-gpt', deployments: [{ provider: 'gpt', model: 'gpt-upstream', input_cost_per_mtok: 2.5, output_cost_per_mtok: 10 }] }],
    });
    try {
      const client = openaiClient(late);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const { response } = await client.chat.completions.create({ model: 'priced-gpt', messages: [{ role: 'user', content: `n${i}` }] }).withResponse();
        ids.push(response.headers.get('x-request-id')!);
      }
      // With an hour between flushes, nothing has been written yet…
      expect(await late.usageRecords()).toEqual([]);
      await late.stop();
      // …and the shutdown wrote all of it.
      const records = await readUsageRecords(late.dbPath);
      expect(records.map((row) => row.requestId).sort()).toEqual([...ids].sort());
      for (const record of records) expect(record.costUsd).toBeCloseTo(GPT_COST, 10);
    } finally {
      await late.close();
    }
  });
});
