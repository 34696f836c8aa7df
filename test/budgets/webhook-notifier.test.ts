import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebhookNotifier, type SoftLimitEvent } from '../../src/budgets/index.js';

const EVENT: SoftLimitEvent = { bucket: 'claim/department:legal', period: 'month', periodKey: '2026-11', spentUsd: 401.5, limitUsd: 500, fraction: 0.8 };

let server: Server | undefined;

/** A webhook receiver that records bodies and answers with `status` after `delayMs`. */
async function receiver(status: number, delayMs = 0): Promise<{ url: string; bodies: unknown[] }> {
  const bodies: unknown[] = [];
  server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      bodies.push(JSON.parse(text));
      setTimeout(() => res.writeHead(status).end(), delayMs);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies };
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

describe('WebhookNotifier', () => {
  it('posts the event as JSON once per bucket and period', async () => {
    const { url, bodies } = await receiver(204);
    const notifier = new WebhookNotifier({ url });
    notifier.notify(EVENT);
    notifier.notify({ ...EVENT, spentUsd: 450 });
    notifier.notify({ ...EVENT, periodKey: '2026-12' });
    await notifier.close();
    expect(bodies).toEqual([
      { type: 'budget.soft_limit', bucket: 'claim/department:legal', period: 'month', period_key: '2026-11', spent_usd: 401.5, limit_usd: 500, fraction: 0.8 },
      { type: 'budget.soft_limit', bucket: 'claim/department:legal', period: 'month', period_key: '2026-12', spent_usd: 401.5, limit_usd: 500, fraction: 0.8 },
    ]);
  });

  it('reports a failing receiver once and does not retry', async () => {
    const { url, bodies } = await receiver(500);
    const errors: string[] = [];
    const notifier = new WebhookNotifier({ url, onError: (error) => errors.push((error as Error).message) });
    notifier.notify(EVENT);
    await notifier.close();
    notifier.notify(EVENT);
    await notifier.close();
    expect(bodies).toHaveLength(1);
    expect(errors).toEqual(['soft-limit webhook answered 500']);
  });

  it('gives up on a slow receiver after the timeout', async () => {
    const { url } = await receiver(200, 2_000);
    const errors: unknown[] = [];
    const notifier = new WebhookNotifier({ url, timeoutMs: 100, onError: (error) => errors.push(error) });
    const started = Date.now();
    notifier.notify(EVENT);
    await notifier.close();
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(errors).toHaveLength(1);
  });

  it('returns at once and drops events beyond the POSTs in flight', async () => {
    const { url } = await receiver(200, 200);
    const errors: string[] = [];
    const notifier = new WebhookNotifier({ url, maxInFlight: 1, onError: (error) => errors.push((error as Error).message) });
    notifier.notify(EVENT);
    notifier.notify({ ...EVENT, bucket: 'user:bob' });
    await notifier.close();
    expect(errors).toEqual(['soft-limit webhook skipped: 1 POSTs already in flight']);
  });

  it('refuses a URL that is not http(s)', () => {
    expect(() => new WebhookNotifier({ url: 'ftp://example.com/hook' })).toThrow(/http/);
  });
});
