/**
 * Hot reload: editing the config file adds a model without a restart; writing an invalid file is refused and the
 * running config keeps serving.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openaiClient } from '../support/clients.js';
import { openaiProvider } from '../support/config.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { OpenaiUpstream } from '../support/upstreams/openai-upstream.js';
import { sleep } from '../support/upstreams/recording-server.js';

let upstream: OpenaiUpstream;
let gw: TestGateway;
let client: OpenAI;

const baseConfig = () => ({ providers: { up: openaiProvider(upstream) }, models: [{ name: 'first', deployments: [{ provider: 'up', model: 'first-upstream' }] }] });

beforeAll(async () => {
  upstream = await OpenaiUpstream.start();
  gw = await startTestGateway(baseConfig(), { watch: true });
  client = openaiClient(gw);
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

const modelIds = async () => (await client.models.list()).data.map((model) => model.id);

/** Poll `check` until it returns true; the file watcher debounces and the machine may be slow. */
async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(50);
  }
}

describe('config reload', () => {
  it('serves a model added to the file, without a restart', async () => {
    const missing = await client.chat.completions.create({ model: 'second', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);

    const config = baseConfig();
    config.models.push({ name: 'second', deployments: [{ provider: 'up', model: 'second-upstream' }] });
    await gw.writeConfig(config);
    await eventually(async () => (await modelIds()).includes('second'));

    const completion = await client.chat.completions.create({ model: 'second', messages: [{ role: 'user', content: 'new model' }] });
    expect(completion.choices[0]?.message.content).toBe('Hello! You said: new model');
    expect(upstream.last?.body?.model).toBe('second-upstream');
    await gw.logs.waitFor('configuration reloaded');
  });

  it('keeps serving the running config when the new file is invalid', async () => {
    const refusalsBefore = gw.logs.entries('configuration reload refused; keeping the running configuration').length;
    await gw.writeConfig('providers:\n  up: { type: opnai }\nmodels: [ { name: third, deployments: [] } ]\n');
    await eventually(async () => gw.logs.entries('configuration reload refused; keeping the running configuration').length > refusalsBefore);

    expect(await modelIds()).toEqual(['first', 'second']);
    const completion = await client.chat.completions.create({ model: 'second', messages: [{ role: 'user', content: 'still here' }] });
    expect(completion.choices[0]?.message.content).toBe('Hello! You said: still here');
  });
});
