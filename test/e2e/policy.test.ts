/**
 * DESIGN.md's policy examples, end to end: callers authenticate with JWTs from a real (local) issuer, policy
 * decides per request, route obligations steer traffic, and /v1/models shows each caller what they may use.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicClient, openaiClient } from '../support/clients.js';
import { openaiProvider } from '../support/config.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { TestIdp } from '../support/jwt-issuer.js';
import { OpenaiUpstream } from '../support/upstreams/openai-upstream.js';

const POLICIES = [
  { name: 'employees', allow: { and: [{ authenticated_user: true }, { domain: { is: 'example.com' } }] } },
  {
    name: 'premium models are for ml-senior',
    deny: { and: [{ model_tags: { has: 'premium' } }, { not: [{ groups: { has: 'ml-senior' } }] }] },
    message: 'Premium models need the ml-senior group.',
  },
  { name: 'legal and hr stay in the EU', when: { 'claim/department': { in: ['legal', 'hr'] } }, route: { regions: ['eu'] } },
];

describe('policy, end to end with JWT principals', () => {
  let idp: TestIdp;
  let us: OpenaiUpstream;
  let eu: OpenaiUpstream;
  let gw: TestGateway;
  const tokens: Record<'alice' | 'bob' | 'carol', string> = { alice: '', bob: '', carol: '' };

  beforeAll(async () => {
    [idp, us, eu] = await Promise.all([TestIdp.start(), OpenaiUpstream.start(), OpenaiUpstream.start()]);
    gw = await startTestGateway({
      identity: { bearer: [{ issuer: idp.issuer, audiences: ['gatehouse'], jwks_url: idp.jwksUrl }] },
      providers: { 'openai-us': openaiProvider(us), 'openai-eu': openaiProvider(eu) },
      models: [
        { name: 'gpt-4o', tags: ['premium'], deployments: [{ provider: 'openai-us', model: 'gpt-4o', region: 'us' }, { provider: 'openai-eu', model: 'gpt-4o', region: 'eu' }] },
        { name: 'gpt-4o-mini', deployments: [{ provider: 'openai-us', model: 'gpt-4o-mini', region: 'us' }, { provider: 'openai-eu', model: 'gpt-4o-mini', region: 'eu' }] },
        { name: 'us-only', deployments: [{ provider: 'openai-us', model: 'gpt-4o-mini', region: 'us' }] },
      ],
      policies: POLICIES,
    });
    tokens.alice = await idp.sign({ sub: 'alice', email: 'alice@example.com', groups: ['ml-senior'], department: 'research' });
    tokens.bob = await idp.sign({ sub: 'bob', email: 'bob@example.com', groups: ['interns'], department: 'legal' });
    tokens.carol = await idp.sign({ sub: 'carol', email: 'carol@elsewhere.org', groups: ['ml-senior'] });
  });

  afterAll(async () => {
    await gw?.close();
    await Promise.all([idp?.close(), us?.close(), eu?.close()]);
  });

  const chat = (who: keyof typeof tokens, model: string) =>
    openaiClient(gw, { apiKey: tokens[who] }).chat.completions.create({ model, messages: [{ role: 'user', content: `hello from ${who}` }] });

  it('alice (ml-senior) reaches the premium model', async () => {
    const completion = await chat('alice', 'gpt-4o');
    expect(completion.choices[0]?.message.content).toBeTruthy();
  });

  it("bob is refused the premium model with the rule's message, in each SDK's error shape", async () => {
    const openaiError = await chat('bob', 'gpt-4o').catch((error: unknown) => error);
    expect(openaiError).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((openaiError as InstanceType<typeof OpenAI.PermissionDeniedError>).message).toContain('Premium models need the ml-senior group.');

    const anthropicError = await anthropicClient(gw, { apiKey: tokens.bob })
      .messages.create({ model: 'gpt-4o', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] })
      .catch((error: unknown) => error);
    expect(anthropicError).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect(JSON.stringify((anthropicError as InstanceType<typeof Anthropic.PermissionDeniedError>).error)).toContain('Premium models need the ml-senior group.');
  });

  it("bob's traffic (department legal) only reaches eu deployments", async () => {
    const before = { us: us.count, eu: eu.count };
    for (let i = 0; i < 8; i++) await chat('bob', 'gpt-4o-mini');
    expect(us.count - before.us).toBe(0);
    expect(eu.count - before.eu).toBe(8);
  });

  it('alice is not bound to a region: her traffic reaches both', async () => {
    const before = { us: us.count, eu: eu.count };
    for (let i = 0; i < 30; i++) await chat('alice', 'gpt-4o-mini');
    expect(us.count - before.us).toBeGreaterThan(0);
    expect(eu.count - before.eu).toBeGreaterThan(0);
  });

  it('a model with no deployment bob may use is refused, saying so', async () => {
    const error = await chat('bob', 'us-only').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((error as Error).message).toContain('No deployment of the model "us-only" is allowed for you.');
  });

  it('someone outside example.com matches no allow rule (default deny)', async () => {
    expect(await chat('carol', 'gpt-4o-mini').catch((e: unknown) => e)).toBeInstanceOf(OpenAI.PermissionDeniedError);
  });

  it('/v1/models differs between alice and bob', async () => {
    const list = async (who: keyof typeof tokens) => (await openaiClient(gw, { apiKey: tokens[who] }).models.list()).data.map((m) => m.id).sort();
    expect(await list('alice')).toEqual(['gpt-4o', 'gpt-4o-mini', 'us-only']);
    expect(await list('bob')).toEqual(['gpt-4o-mini']);
    expect(await list('carol')).toEqual([]);
  });
});
