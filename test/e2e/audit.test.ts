/**
 * The audit log through a real gateway: JWT principals of different groups and claims send a mix of requests
 * (served, streamed, denied, failed, refused before authorization, admin), and the log must hold exactly one
 * record per request with the right fields, answer the admin API's filters and paging, keep prompts only under a
 * `log_prompts` obligation, and survive `gatehouse audit verify` until someone tampers with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecordJson } from '../../src/audit/record-json.js';
import { verifyAuditChain } from '../../src/audit/verify.js';
import { openStore } from '../../src/store/database.js';
import { auditScenarioConfig, COST, EU_RULE, gatehouseCli, LOG_RULE, PREMIUM_MESSAGE, PREMIUM_RULE, type AuditPageJson, type ExplanationJson } from '../support/audit-scenario.js';
import { CallLog, chatText, type Call } from '../support/call-log.js';
import { GATEWAY_KEY } from '../support/config.js';
import { assertBuilt } from '../support/gateway-process.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { TestIdp } from '../support/jwt-issuer.js';
import { OpenaiUpstream } from '../support/upstreams/openai-upstream.js';

type Who = 'alice' | 'bob' | 'carol' | 'frank';

describe('the audit log, end to end', () => {
  let idp: TestIdp;
  let us: OpenaiUpstream;
  let eu: OpenaiUpstream;
  let gw: TestGateway;
  let log: CallLog;
  const tokens = {} as Record<Who, string>;
  /** The mixed traffic of beforeAll; the tests' own calls (audit queries among them) come after these. */
  let traffic: Call[] = [];

  const chat = (label: string, who: Who, model: string, content: string, stream = false) =>
    log.send(label, 'POST', '/v1/chat/completions', { token: tokens[who], body: { model, stream, messages: [{ role: 'user', content }] } });
  const auditQuery = (label: string, query: string, token: string | null = GATEWAY_KEY) => log.send(label, 'GET', `/admin/api/audit${query}`, { token: token ?? undefined });
  const auditPage = async (query: string): Promise<AuditPageJson> => {
    const call = await auditQuery('audit-query', query);
    expect(call.status, call.text).toBe(200);
    return CallLog.json<AuditPageJson>(call);
  };
  const idsOf = (page: AuditPageJson) => page.data.map((record) => record.request_id);
  let records = new Map<string, AuditRecordJson>();
  const recordOf = (label: string): AuditRecordJson => {
    const record = records.get(log.get(label).requestId);
    if (!record) throw new Error(`no audit record for ${label}`);
    return record;
  };

  beforeAll(async () => {
    assertBuilt();
    [idp, us, eu] = await Promise.all([TestIdp.start(), OpenaiUpstream.start(), OpenaiUpstream.start()]);
    gw = await startTestGateway(auditScenarioConfig(idp, us, eu), { logLevel: 'warn' });
    log = new CallLog(gw.url);
    tokens.alice = await idp.sign({ sub: 'alice', email: 'alice@example.com', groups: ['ml-senior'], department: 'research' });
    tokens.bob = await idp.sign({ sub: 'bob', email: 'bob@example.com', groups: ['interns'], department: 'legal' });
    tokens.carol = await idp.sign({ sub: 'carol', email: 'carol@elsewhere.org', groups: ['ml-senior'] });
    tokens.frank = await idp.sign({ sub: 'frank', email: 'frank@example.com', groups: ['staff'], department: 'finance' });

    await chat('alice-chat', 'alice', 'gpt-4o', 'hello audit from alice');
    await chat('alice-stream', 'alice', 'gpt-4o-mini', 'streamed hello from alice', true);
    await chat('bob-premium', 'bob', 'gpt-4o', 'bob wants the premium model');
    await chat('bob-mini', 'bob', 'gpt-4o-mini', 'bob asks the small model');
    await chat('carol-chat', 'carol', 'gpt-4o-mini', 'carol is not an employee');
    await chat('unknown-model', 'alice', 'no-such-model', 'is anyone there');
    await log.send('bad-credential', 'POST', '/v1/chat/completions', { token: 'not-a-real-key', body: { model: 'gpt-4o-mini', messages: [] } });
    await log.send('invalid-json', 'POST', '/v1/chat/completions', { token: tokens.alice, body: '{"model": "gpt-4o-mini", "messages": [' });
    await auditQuery('admin-call', '?limit=1');
    await chat('frank-chat', 'frank', 'gpt-4o-mini', 'finance question one');
    await chat('frank-stream', 'frank', 'gpt-4o-mini', 'finance question two', true);
    traffic = [...log.calls];

    // Records are written in batches: poll the API until every request of the traffic is there.
    const deadline = Date.now() + 15_000;
    for (;;) {
      records = new Map((await auditPage('?limit=1000')).data.map((record) => [record.request_id, record]));
      if (traffic.every((call) => records.has(call.requestId)) || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 60_000);

  afterAll(async () => {
    await gw?.close();
    await Promise.all([idp?.close(), us?.close(), eu?.close()]);
  });

  it('the traffic got the answers the scenario is built on', () => {
    const statuses = Object.fromEntries(traffic.map((call) => [call.label, call.status]));
    expect(statuses).toEqual({
      'alice-chat': 200,
      'alice-stream': 200,
      'bob-premium': 403,
      'bob-mini': 200,
      'carol-chat': 403,
      'unknown-model': 404,
      'bad-credential': 401,
      'invalid-json': 400,
      'admin-call': 200,
      'frank-chat': 200,
      'frank-stream': 200,
    });
    for (const call of traffic) expect(call.requestId, call.label).toMatch(/^req_/);
    expect(new Set(traffic.map((call) => call.requestId)).size).toBe(traffic.length);
  });

  it('holds exactly one record per request', async () => {
    const page = await auditPage('?limit=1000');
    for (const call of traffic) expect(page.data.filter((record) => record.request_id === call.requestId), call.label).toHaveLength(1);
    // Nothing else was audited: every record belongs to a request this test made.
    const made = new Set(log.calls.map((call) => call.requestId));
    for (const record of page.data) expect(made.has(record.request_id), `${record.method} ${record.path}`).toBe(true);
  });

  it('records an allowed chat with who, where from, what, where served, why, and what it cost', () => {
    const call = log.get('alice-chat');
    const record = recordOf('alice-chat');
    expect(record).toMatchObject({
      request_id: call.requestId,
      principal: { subject: 'alice', email: 'alice@example.com', groups: ['ml-senior'], auth_method: 'jwt', key_id: null },
      source_ip: '127.0.0.1',
      user_agent: 'audit-e2e/alice-chat',
      method: 'POST',
      path: '/v1/chat/completions',
      model: 'gpt-4o',
      decision: 'allow',
      matched_rules: ['employees'],
      deny_reason: null,
      status: 200,
      input_tokens: 12,
      output_tokens: 5,
      error_type: null,
      prompt: null,
      completion: null,
    });
    expect([{ deployment: 'gpt-4o-us', provider: 'openai-us', region: 'us' }, { deployment: 'gpt-4o-eu', provider: 'openai-eu', region: 'eu' }]).toContainEqual({
      deployment: record.deployment,
      provider: record.provider,
      region: record.region,
    });
    expect(record.cost_usd).toBeCloseTo(COST, 10);
    expectTimes(record, call);
    expect(record.upstream_latency_ms).not.toBeNull();
    expect(record.upstream_latency_ms).toBeLessThanOrEqual(record.latency_ms);
    expect(record.seq).toBeGreaterThan(0);
    expect(record.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(record.prev_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('records a streamed chat once the stream ended, with its usage', () => {
    const call = log.get('alice-stream');
    expect(call.text).toContain('data: [DONE]');
    const record = recordOf('alice-stream');
    expect(record).toMatchObject({ principal: { subject: 'alice' }, model: 'gpt-4o-mini', decision: 'allow', status: 200, input_tokens: 12, output_tokens: 5, error_type: null });
    expect(record.deployment).toMatch(/^gpt-4o-mini-(us|eu)$/);
    expect(record.cost_usd).toBeCloseTo(COST, 10);
    expectTimes(record, call);
  });

  it('records a route obligation: bob (legal) was served in the EU, and the rule that bound him is named', () => {
    const record = recordOf('bob-mini');
    expect(record).toMatchObject({ principal: { subject: 'bob', groups: ['interns'] }, deployment: 'gpt-4o-mini-eu', provider: 'openai-eu', region: 'eu', decision: 'allow', status: 200 });
    expect(record.matched_rules).toEqual(expect.arrayContaining(['employees', EU_RULE]));
  });

  it('records a denial with the deny rule named, and nothing served', () => {
    const call = log.get('bob-premium');
    const record = recordOf('bob-premium');
    expect(record).toMatchObject({
      principal: { subject: 'bob', email: 'bob@example.com', groups: ['interns'], auth_method: 'jwt' },
      model: 'gpt-4o',
      deployment: null,
      provider: null,
      region: null,
      decision: 'deny',
      status: 403,
      input_tokens: 0,
      output_tokens: 0,
      cost_usd: 0,
      upstream_latency_ms: null,
      error_type: 'GH_ERR_POLICY_DENIED',
      prompt: null,
      completion: null,
    });
    expect(record.matched_rules).toContain(PREMIUM_RULE);
    expect(record.deny_reason).toContain(PREMIUM_RULE);
    expectTimes(record, call);
  });

  it('records a default deny with the criterion that failed', () => {
    const record = recordOf('carol-chat');
    expect(record).toMatchObject({ principal: { subject: 'carol' }, decision: 'deny', status: 403, error_type: 'GH_ERR_POLICY_DENIED', deployment: null });
    expect(record.matched_rules).not.toContain('employees');
    expect(record.deny_reason).toContain('employees');
    expect(record.deny_reason).toContain('domain');
  });

  it('records an unknown model (404), a bad credential (401) and unreadable JSON (400)', () => {
    expect(recordOf('unknown-model')).toMatchObject({ principal: { subject: 'alice' }, model: 'no-such-model', deployment: null, decision: 'allow', status: 404, error_type: 'GH_ERR_MODEL_NOT_FOUND', upstream_latency_ms: null });
    expect(recordOf('bad-credential')).toMatchObject({
      principal: { subject: 'anonymous', email: null, groups: [], auth_method: 'none', key_id: null },
      source_ip: '127.0.0.1',
      user_agent: 'audit-e2e/bad-credential',
      method: 'POST',
      path: '/v1/chat/completions',
      model: null,
      decision: null,
      status: 401,
      error_type: 'GH_ERR_AUTH_INVALID',
    });
    expect(recordOf('invalid-json')).toMatchObject({
      principal: { subject: 'alice', auth_method: 'jwt' },
      path: '/v1/chat/completions',
      model: null,
      decision: null,
      matched_rules: [],
      status: 400,
      error_type: 'GH_ERR_BAD_JSON',
    });
  });

  it('records an admin API call with the bootstrap key (path without its query)', () => {
    const record = recordOf('admin-call');
    expect(record).toMatchObject({
      principal: { subject: 'key:bootstrap-1', email: null, auth_method: 'bootstrap_key', key_id: 'bootstrap-1' },
      method: 'GET',
      path: '/admin/api/audit',
      model: null,
      decision: null,
      status: 200,
      error_type: null,
      user_agent: 'audit-e2e/admin-call',
    });
    expectTimes(record, log.get('admin-call'));
  });

  it('keeps prompts and completions only under a log_prompts obligation', () => {
    const frank = recordOf('frank-chat');
    expect(frank.matched_rules).toContain(LOG_RULE);
    expect(frank.prompt).toContain('finance question one');
    expect(chatText(log.get('frank-chat'))).toBe('Hello! You said: finance question one');
    expect(frank.completion).toContain('Hello! You said: finance question one');
    expect(recordOf('frank-stream').prompt).toContain('finance question two');

    for (const label of ['alice-chat', 'alice-stream', 'bob-premium', 'bob-mini', 'unknown-model']) {
      expect(recordOf(label), label).toMatchObject({ prompt: null, completion: null });
    }
  });

  it('keeps the completion of a logged stream as the text the model wrote, not split across SSE frames', () => {
    // An auditor searches the log for what was said: the reply must be findable whether it was streamed or not.
    expect(chatText(log.get('frank-stream'))).toBe('Hello! You said: finance question two');
    expect(recordOf('frank-stream').completion).toContain('Hello! You said: finance question two');
  });

  it('filters by user (subject or email), model, decision and status', async () => {
    const ids = (labels: string[]) => labels.map((label) => log.get(label).requestId);
    const alice = await auditPage('?user=alice&limit=1000');
    expect(alice.data.every((record) => record.principal.subject === 'alice')).toBe(true);
    expect(idsOf(alice).sort()).toEqual(ids(['alice-chat', 'alice-stream', 'unknown-model', 'invalid-json']).sort());
    const bob = await auditPage('?user=bob%40example.com&limit=1000');
    expect(idsOf(bob).sort()).toEqual(ids(['bob-premium', 'bob-mini']).sort());

    const premium = await auditPage('?model=gpt-4o&limit=1000');
    expect(idsOf(premium).sort()).toEqual(ids(['alice-chat', 'bob-premium']).sort());
    const denied = await auditPage('?decision=deny&limit=1000');
    expect(idsOf(denied).sort()).toEqual(ids(['bob-premium', 'carol-chat']).sort());
    const notFound = await auditPage('?status=404&limit=1000');
    expect(idsOf(notFound)).toEqual(ids(['unknown-model']));
    expect(idsOf(await auditPage('?user=bob&decision=deny&model=gpt-4o&status=403'))).toEqual(ids(['bob-premium']));
    expect((await auditPage('?user=nobody%40example.com')).data).toEqual([]);
  });

  it('filters by time range: from inclusive, to exclusive, ISO 8601 or epoch ms', async () => {
    const target = recordOf('bob-mini');
    const at = Date.parse(target.time);
    const exact = await auditPage(`?from=${at}&to=${at + 1}&limit=1000`);
    expect(idsOf(exact)).toContain(target.request_id);
    expect(exact.data.every((record) => Date.parse(record.time) === at)).toBe(true);
    expect(idsOf(await auditPage(`?from=${encodeURIComponent(new Date(at + 1).toISOString())}&user=bob`))).not.toContain(target.request_id);
    expect(idsOf(await auditPage(`?to=${encodeURIComponent(new Date(at).toISOString())}&user=bob`))).not.toContain(target.request_id);
    const window = await auditPage(`?from=${log.get('alice-chat').sentAt - 1000}&to=${log.get('frank-stream').doneAt + 1000}&limit=1000`);
    for (const call of traffic) expect(idsOf(window), call.label).toContain(call.requestId);
    expect((await auditPage(`?from=${Date.now() + 3_600_000}`)).data).toEqual([]);
  });

  it('pages with a cursor, newest first, without gaps or repeats while records keep arriving', async () => {
    const all = idsOf(await auditPage('?user=alice&limit=1000'));
    const paged: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 20; pages += 1) {
      const page: AuditPageJson = await auditPage(`?user=alice&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      paged.push(...idsOf(page));
      cursor = page.next_cursor;
      if (cursor === null) break;
    }
    expect(cursor).toBeNull();
    expect(paged).toEqual(all);

    // Unfiltered: the audit queries of this very test keep adding records, which must not shift later pages.
    const seqs: number[] = [];
    cursor = null;
    for (let pages = 0; pages < 1000; pages += 1) {
      const page: AuditPageJson = await auditPage(`?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      seqs.push(...page.data.map((record) => record.seq));
      cursor = page.next_cursor;
      if (cursor === null) break;
    }
    expect(cursor).toBeNull();
    const top = seqs[0] ?? 0;
    expect(seqs).toEqual(Array.from({ length: top }, (_, i) => top - i));
  });

  it('refuses a malformed filter with a 400 naming the parameter', async () => {
    const call = await auditQuery('bad-filter', '?decision=maybe');
    expect(call.status).toBe(400);
    expect(CallLog.json<{ error: { param: string; code: string } }>(call).error).toMatchObject({ param: 'decision' });
  });

  it('is for administrators only: 403 for a non-admin JWT principal, 401 for an anonymous caller', async () => {
    const alice = await auditQuery('audit-as-alice', '', tokens.alice);
    expect(alice.status).toBe(403);
    expect(alice.text).not.toContain('request_id');
    const anonymous = await auditQuery('audit-anonymous', '', null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.text).not.toContain('request_id');
  });

  it('explains bob and the premium model: denied, with the rule message and where other rules failed', async () => {
    const explainCall = (label: string, principal: object) =>
      log.send(label, 'POST', '/admin/api/policy/explain', { token: GATEWAY_KEY, body: { principal, model: 'gpt-4o' } });
    const bob = await explainCall('explain-bob', { sub: 'bob', email: 'bob@example.com', groups: ['interns'], department: 'legal' });
    expect(bob.status, bob.text).toBe(200);
    const answer = CallLog.json<ExplanationJson>(bob);
    expect(answer).toMatchObject({ decision: 'deny', message: PREMIUM_MESSAGE, matched: { allow: ['employees'], deny: [PREMIUM_RULE], when: [EU_RULE] } });
    expect(answer.obligations.route.regions).toEqual(['eu']);
    expect(answer.rules.find((rule) => rule.name === LOG_RULE)).toMatchObject({ matched: false, failed: { path: expect.stringContaining('claim/department') } });

    // Alice is spared by the premium rule: its failed criterion is the group she has although the rule needs her not to.
    const alice = CallLog.json<ExplanationJson>(await explainCall('explain-alice', { sub: 'alice', email: 'alice@example.com', groups: ['ml-senior'] }));
    expect(alice.decision).toBe('allow');
    const premium = alice.rules.find((rule) => rule.name === PREMIUM_RULE);
    expect(premium).toMatchObject({ matched: false, failed: { criterion: 'groups', matched: true } });
    expect(premium?.failed?.path).toContain('not[0]');

    const asAlice = await log.send('explain-as-alice', 'POST', '/admin/api/policy/explain', { token: tokens.alice, body: { principal: {}, model: 'gpt-4o' } });
    expect(asAlice.status).toBe(403);
  });

  it('after a graceful stop: every request is stored once and the chain verifies, until a record is changed', async () => {
    await gw.stop();
    const store = await openStore(`sqlite:${gw.dbPath}`);
    try {
      const rows = await store.db.selectFrom('audit_records').select(['seq', 'request_id']).orderBy('seq').execute();
      expect(rows.map((row) => row.request_id).sort()).toEqual(log.calls.map((call) => call.requestId).sort());
      const intact = await verifyAuditChain(store.db);
      expect(intact).toMatchObject({ ok: true, checked: log.calls.length, problemCount: 0 });
      const cli = await gatehouseCli(['audit', 'verify', '--config', gw.configPath]);
      expect(cli.code, cli.stderr).toBe(0);
      expect(cli.stdout).toContain(`audit chain OK: ${log.calls.length} records checked`);

      const victim = log.get('bob-premium').requestId;
      await store.db.updateTable('audit_records').set({ status: 200 }).where('request_id', '=', victim).execute();
      const seq = rows.find((row) => row.request_id === victim)?.seq;
      const broken = await verifyAuditChain(store.db);
      expect(broken.ok).toBe(false);
      expect(broken.problems).toEqual([{ kind: 'altered', seq, requestId: victim }]);
      const after = await gatehouseCli(['audit', 'verify', '--config', gw.configPath]);
      expect(after.code, after.stderr).toBe(1);
      expect(after.stdout).toContain(`seq ${seq} (request ${victim}): changed`);
    } finally {
      await store.close();
    }
  }, 60_000);
});

/** The record's arrival time falls within the client's call, and its latency within the call's duration. */
function expectTimes(record: AuditRecordJson, call: Call): void {
  const at = Date.parse(record.time);
  expect(at).toBeGreaterThanOrEqual(call.sentAt - 5);
  expect(at).toBeLessThanOrEqual(call.doneAt);
  expect(record.latency_ms).toBeGreaterThanOrEqual(0);
  expect(record.latency_ms).toBeLessThanOrEqual(call.doneAt - call.sentAt + 5);
}
