/** GET /admin/api/spend in a small Fastify app: who may call it, how it validates, what it returns. */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BudgetCalendar } from '../../src/budgets/index.js';
import { GatehouseError } from '../../src/errors.js';
import { ANONYMOUS, type Principal } from '../../src/identity/principal.js';
import { registerSpendRoutes, SpendAggregator } from '../../src/spend/index.js';
import { renderError, toGatehouseError } from '../../src/server/error-response.js';
import { openStore, type Store } from '../../src/store/database.js';
import { spendRecord } from './spend-fixture.js';

const PEOPLE: Record<string, Principal> = {
  admin: { ...ANONYMOUS, authenticated: true, authMethod: 'bootstrap_key', subject: 'root', admin: true },
  sessionAdmin: { ...ANONYMOUS, authenticated: true, authMethod: 'session', subject: 'root', admin: true },
  alice: { ...ANONYMOUS, authenticated: true, authMethod: 'jwt', subject: 'alice' },
};

let app: FastifyInstance;
let store: Store;

beforeAll(async () => {
  store = await openStore('sqlite::memory:');
  const spend = new SpendAggregator({ db: store.db, calendar: new BudgetCalendar('UTC') });
  spend.add(spendRecord({ time: new Date('2026-11-03T10:00:00Z'), costUsd: 2 }), ['claim/department']);
  spend.add(spendRecord({ time: new Date('2026-11-20T10:00:00Z'), costUsd: 1, principal: { subject: 'bob', team: 'ops', keyId: undefined, claims: { department: 'hr' } } }), ['claim/department']);
  spend.add(spendRecord({ time: new Date('2026-10-20T10:00:00Z'), costUsd: 50 }), ['claim/department']);
  await spend.close();

  app = Fastify();
  app.decorateRequest('principal', undefined);
  // Stands in for the authenticate stage: the test names the caller.
  app.addHook('onRequest', async (req) => {
    const who = req.headers['x-test-caller'];
    req.principal = typeof who === 'string' ? PEOPLE[who] : undefined;
  });
  app.setErrorHandler((error, req, reply) => {
    const rendered = renderError(error instanceof GatehouseError ? error : toGatehouseError(error), 'openai', req.id);
    return reply.code(rendered.status).headers(rendered.headers).send(rendered.body);
  });
  registerSpendRoutes(app, { db: store.db, clock: () => new Date('2026-11-26T12:00:00Z') });
  await app.ready();
});

afterAll(async () => {
  await app.close();
  await store.close();
});

const get = (url: string, caller?: string) => app.inject({ method: 'GET', url, headers: caller ? { 'x-test-caller': caller } : {} });

describe('GET /admin/api/spend', () => {
  it('needs a credential (401) of an administrator (403)', async () => {
    expect((await get('/admin/api/spend?group_by=user')).statusCode).toBe(401);
    expect((await get('/admin/api/spend?group_by=user', 'alice')).statusCode).toBe(403);
    expect((await get('/admin/api/spend?group_by=user', 'sessionAdmin')).statusCode).toBe(200); // a GET needs no CSRF header
  });

  it('groups the current month by default, biggest spender first', async () => {
    const response = await get('/admin/api/spend?group_by=user', 'admin');
    expect(response.json()).toEqual({
      object: 'list',
      group_by: 'user',
      from: '2026-11-01',
      to: '2026-11-26',
      data: [
        { value: 'alice', requests: 1, input_tokens: 100, output_tokens: 20, cost_usd: 2 },
        { value: 'bob', requests: 1, input_tokens: 100, output_tokens: 20, cost_usd: 1 },
      ],
    });
  });

  it('takes a claim dimension, a range of days and a limit', async () => {
    const response = await get('/admin/api/spend?group_by=claim/department&from=2026-10-01&to=2026-11-30&limit=1', 'admin');
    expect(response.json()).toMatchObject({ from: '2026-10-01', to: '2026-11-30', data: [{ value: 'legal', requests: 2, cost_usd: 52 }] });
    expect((await get('/admin/api/spend?group_by=team&to=2026-10-31', 'admin')).json()).toMatchObject({ from: '2026-10-01', data: [{ value: 'ml', cost_usd: 50 }] });
  });

  it.each([
    ['/admin/api/spend', 'group_by'],
    ['/admin/api/spend?group_by=department', 'group_by'],
    ['/admin/api/spend?group_by=user&from=2026-13-01', 'from'],
    ['/admin/api/spend?group_by=user&to=26.11.2026', 'to'],
    ['/admin/api/spend?group_by=user&from=2026-11-20&to=2026-11-01', 'from'],
    ['/admin/api/spend?group_by=user&limit=0', 'limit'],
    ['/admin/api/spend?group_by=user&sort=cost', 'sort'],
  ])('answers 400 naming the bad parameter: %s', async (url, param) => {
    const response = await get(url, 'admin');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { param, type: 'invalid_request_error' } });
    expect(response.json().error.message).toContain(param);
  });
});
