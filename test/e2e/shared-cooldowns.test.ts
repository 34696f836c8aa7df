/**
 * Cooldowns across replicas: two gateways sharing a Redis (TEST_REDIS_URL; each run under its own key prefix).
 * When one of them takes a failing deployment out of rotation, the other stops sending to it too, without failing
 * on it first. Runs when TEST_REDIS_URL is set; when it is set but unreachable, the gateways fail to start.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SharedCooldowns } from '../../src/router/shared-cooldowns.js';
import type { Deployment } from '../../src/router/types.js';
import { FAST_ROUTING, openaiProvider } from '../support/config.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { metricValue } from '../support/prometheus.js';
import { connectedClient, deletePrefix, redisSuiteName, redisUrl, testKeyPrefix } from '../support/redis.js';
import { OpenaiUpstream } from '../support/upstreams/openai-upstream.js';
import { openaiClient } from '../support/clients.js';

describe.runIf(Boolean(redisUrl))(redisSuiteName('cooldowns shared by replicas through Redis'), () => {
  const keyPrefix = testKeyPrefix();
  let sick: OpenaiUpstream;
  let healthy: OpenaiUpstream;
  let a: TestGateway;
  let b: TestGateway;
  let redis: Redis;

  beforeAll(async () => {
    [sick, healthy] = await Promise.all([OpenaiUpstream.start(), OpenaiUpstream.start()]);
    sick.always({ kind: 'status', status: 500 });
    const config = {
      redis: { url: redisUrl, key_prefix: keyPrefix },
      providers: { sick: openaiProvider(sick), healthy: openaiProvider(healthy) },
      models: [{ name: 'gpt-4o-mini', deployments: [{ id: 'sick', provider: 'sick', model: 'm' }, { id: 'healthy', provider: 'healthy', model: 'm' }] }],
      routing: { ...FAST_ROUTING, cooldown: { failures: 1, for: '60s' } },
    };
    [a, b] = await Promise.all([startTestGateway(config), startTestGateway(config)]);
    redis = await connectedClient(redisUrl!);
  });

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await Promise.all([sick?.close(), healthy?.close()]);
    if (redis) {
      await deletePrefix(redis, keyPrefix);
      redis.disconnect();
    }
  });

  it('a deployment one replica cools down is avoided by the other from its first request', async () => {
    // Until replica A has tried the sick deployment once (and so cooled it down), send through A.
    const viaA = openaiClient(a);
    for (let i = 0; i < 50 && sick.count === 0; i++) await viaA.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(sick.count).toBe(1);
    await expect.poll(async () => metricValue(await a.metrics(), 'gatehouse_cooldowns_total', { deployment: 'gpt-4o-mini/sick' })).toBe(1);

    // B never saw the failure; with the cooldown shared, none of its requests goes to the sick deployment.
    const viaB = openaiClient(b);
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (let i = 0; i < 20; i++) await viaB.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(sick.count).toBe(1);
    // A cooldown received is applied, not re-counted or re-published: B's own counter stays at zero.
    expect(metricValue(await b.metrics(), 'gatehouse_cooldowns_total', { deployment: 'gpt-4o-mini/sick' })).toBe(0);
  });

  it('ignores its own messages, malformed ones and absurd durations', async () => {
    const applied: Array<[string, string, number]> = [];
    const errors: string[] = [];
    const listener = new SharedCooldowns({ url: redisUrl!, keyPrefix, apply: (...args) => applied.push(args), onError: (error) => errors.push(error.message) });
    await listener.ready();
    try {
      const deployment = { group: 'g', id: 'd' } as Deployment;
      listener.publish(deployment, 1_000);
      const channel = `${keyPrefix}cooldowns`;
      await redis.publish(channel, 'not json');
      await redis.publish(channel, JSON.stringify({ r: 'other', g: 'g', d: 'd', ms: 365 * 24 * 3_600_000 }));
      await redis.publish(channel, JSON.stringify({ r: 'other', g: 'g', d: 'd', ms: -5 }));
      await redis.publish(channel, JSON.stringify({ r: 'other', g: 'g', d: 'd', ms: 2_500 }));
      await expect.poll(() => applied).toEqual([['g', 'd', 2_500]]);
      expect(errors).toEqual(['malformed cooldown message', 'malformed cooldown message', 'malformed cooldown message']);
    } finally {
      await listener.close();
    }
  });
});
