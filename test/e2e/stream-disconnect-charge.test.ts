/**
 * A client that walks away from a stream still pays for what it received. The upstream streams a long answer
 * slowly and reports usage only in its last chunk; the client (the openai SDK) aborts after a few chunks, so the
 * usage never comes. The gateway must charge the delivered text (four characters a token) plus the prompt: in
 * the usage record, in /admin/api/spend, and against the caller's budget, which then refuses a request it would
 * have admitted had the cut-off stream cost nothing.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/llm/types.js';
import { openaiClient } from '../support/clients.js';
import { GATEWAY_KEY } from '../support/config.js';
import { chat, spendByUser } from '../support/gateway-calls.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { RecordingServer, sseFrame, type NormalAnswer, type RecordedRequest } from '../support/upstreams/recording-server.js';

/** 40 characters: 10 tokens at four characters a token. */
const SENTENCE = 'The quick brown fox jumps over the dog. ';
const SENTENCES = 40;
const CHUNK_DELAY_MS = 100;
const CHUNKS_READ = 5;
const PRICE_PER_MTOK = 1_000;
/** A 40-character prompt: estimated at 10 input tokens. */
const PROMPT = 'Tell me a long story about a quick fox!!';
const PROMPT_TOKENS = 10;
const MAX_TOKENS = 200;
const TOKEN_USD = PRICE_PER_MTOK / 1e6;
/** Room for one request's reservation (prompt + max_tokens: $0.21), not for that plus the cut-off stream's cost. */
const BUDGET_USD = 0.25;
const SUBJECT = 'key:bootstrap-1';

/** An OpenAI-compatible upstream that streams a long answer, one sentence a chunk, with usage only at the very end. */
class StoryUpstream extends RecordingServer {
  protected errorBody(status: number): JsonObject {
    return { error: { message: `upstream failure ${status}`, type: 'server_error', param: null, code: null } };
  }

  protected answer(request: RecordedRequest): NormalAnswer | undefined {
    if (request.path !== '/v1/chat/completions') return undefined;
    const usage = { prompt_tokens: PROMPT_TOKENS, completion_tokens: SENTENCES * 10, total_tokens: PROMPT_TOKENS + SENTENCES * 10 };
    const base = { id: 'chatcmpl-story', created: 1_750_000_000, model: 'story-model' };
    const text = SENTENCE.repeat(SENTENCES);
    if (request.body?.stream !== true) {
      return { json: { ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }], usage } };
    }
    const chunk = (delta: JsonObject, finish: string | null = null) => sseFrame({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }], usage: null });
    return {
      frames: [
        chunk({ role: 'assistant', content: '' }),
        ...Array.from({ length: SENTENCES }, () => chunk({ content: SENTENCE })),
        chunk({}, 'stop'),
        sseFrame({ ...base, object: 'chat.completion.chunk', choices: [], usage }),
        sseFrame('[DONE]'),
      ],
    };
  }
}

describe('a stream the client cuts off', () => {
  let upstream: StoryUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await new StoryUpstream().listen();
    upstream.always({ kind: 'slow', chunkDelayMs: CHUNK_DELAY_MS });
    gateway = await startTestGateway({
      providers: { story: { type: 'openai', base_url: `${upstream.origin}/v1` } },
      models: [{ name: 'story', deployments: [{ provider: 'story', model: 'story-model', input_cost_per_mtok: PRICE_PER_MTOK, output_cost_per_mtok: PRICE_PER_MTOK }] }],
      policies: [
        { name: 'everyone', allow: { authenticated_user: true } },
        { name: 'monthly budget', when: { authenticated_user: true }, budgets: [{ per: 'user', usd: BUDGET_USD, period: 'month' }] },
      ],
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('is charged for the delivered text, in the usage record, the spend and the budget', async () => {
    const client = openaiClient(gateway);
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'story', stream: true, stream_options: { include_usage: true }, max_tokens: MAX_TOKENS, messages: [{ role: 'user', content: PROMPT }] })
      .withResponse();
    const requestId = response.headers.get('x-request-id');
    let received = '';
    let contentChunks = 0;
    for await (const chunk of stream) {
      const content = chunk.choices[0]?.delta.content ?? '';
      received += content;
      if (content !== '' && ++contentChunks === CHUNKS_READ) {
        stream.controller.abort();
        break;
      }
    }
    expect(received).toBe(SENTENCE.repeat(CHUNKS_READ));
    // The upstream never got to its usage chunk.
    expect(await upstream.last!.settled).toBe('abandoned');

    const records = await gateway.waitForUsage((rows) => rows.some((row) => row.requestId === requestId));
    const record = records.find((row) => row.requestId === requestId)!;
    expect(record).toMatchObject({ stream: true, errorCode: 'client_disconnected', inputTokens: PROMPT_TOKENS });
    // At least what the client read; at most that plus the few chunks in flight when it left.
    const readTokens = received.length / 4;
    expect(record.outputTokens).toBeGreaterThanOrEqual(readTokens);
    expect(record.outputTokens).toBeLessThanOrEqual(readTokens + 3 * (SENTENCE.length / 4));
    expect(record.costUsd).toBeCloseTo((record.inputTokens + record.outputTokens) * TOKEN_USD, 6);

    const spend = (await spendByUser(gateway.url, GATEWAY_KEY)).find((row) => row.value === SUBJECT);
    expect(spend).toMatchObject({ requests: 1, input_tokens: PROMPT_TOKENS, output_tokens: record.outputTokens });
    expect(spend!.cost_usd).toBeCloseTo(record.costUsd, 6);

    // The budget counted it: a request reserving $0.21 no longer fits in what is left of $0.25.
    const next = await chat(gateway.url, GATEWAY_KEY, { model: 'story', max_tokens: MAX_TOKENS, messages: [{ role: 'user', content: PROMPT }] });
    expect([next.status, next.errorCode]).toEqual([429, 'GH_ERR_BUDGET_EXCEEDED']);
    expect(next.errorMessage).toContain(`$${record.costUsd.toFixed(2)} of $${BUDGET_USD.toFixed(2)} spent`);
    // And the SDK sees it as the quota error it is.
    const refused = await client.chat.completions.create({ model: 'story', max_tokens: MAX_TOKENS, messages: [{ role: 'user', content: PROMPT }] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
  });
});
