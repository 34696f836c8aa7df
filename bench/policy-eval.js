/**
 * Policy evaluation cost: a realistic 50-rule policy (identity and model allow rules, deny rules with nested
 * operators, regexes and CIDR lists, time windows, per-department routing, limits and budgets) evaluated for a
 * rotation of different callers and models, warm.
 *
 *   npm run build && node bench/policy-eval.js
 *
 * Reports the median and p99 time of one evaluation (timed in batches of 10, since a single evaluation is close
 * to the timer's resolution), and allocation: the median heap growth per evaluation over batches of 1,000
 * (batches a garbage collection ran in are skipped), and how many garbage collections 100,000 evaluations caused.
 * bench/run.js can import benchPolicyEval and formatPolicyBench.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { compilePolicy } from '../dist/policy/compile.js';
import { evaluate } from '../dist/policy/evaluate.js';

const DEPARTMENTS = ['research', 'legal', 'hr', 'sales', 'support', 'finance', 'engineering', 'marketing'];
const MODELS = [
  { model: 'gpt-4o', modelTags: ['premium'] },
  { model: 'gpt-4o-mini', modelTags: [] },
  { model: 'claude-sonnet', modelTags: ['premium', 'anthropic'] },
  { model: 'llama-local', modelTags: ['local'] },
];

/** A 50-rule policy of the kind a company writes: who may use what, what is forbidden, and what binds whom. */
export function realisticPolicy() {
  const rules = [
    { name: 'employees', allow: { and: [{ authenticated_user: true }, { domain: { is: 'example.com' } }] } },
    { name: 'contractors on small models', allow: { and: [{ domain: { is: 'contractors.example.com' } }, { model_tags: { has_any: ['local'] } }] } },
    { name: 'service keys', allow: { and: [{ auth_method: { in: ['virtual_key', 'personal_key'] } }, { api_key: { starts_with: 'svc-' } }] } },
    { name: 'premium models are for ml-senior', deny: { and: [{ model_tags: { has: 'premium' } }, { not: [{ groups: { has: 'ml-senior' } }] }] }, message: 'Premium models need the ml-senior group.' },
    { name: 'no tools for interns', deny: { and: [{ groups: { has: 'interns' } }, { tools: true }] }, message: 'Interns may not use tools.' },
    { name: 'office networks only for admins', deny: { and: [{ groups: { has: 'admins' } }, { not: [{ source_ip: ['10.0.0.0/8', '192.168.0.0/16', '2001:db8::/32'] }] }] } },
    { name: 'huge prompts need approval', deny: { and: [{ input_tokens: { gt: 100000 } }, { not: [{ 'claim/approved_large': { is: 'true' } }] }] } },
    { name: 'experimental models off hours', deny: { and: [{ model: { matches: '^exp-' } }, { nor: [{ time_of_day: { after: '08:00', before: '20:00', timezone: 'Europe/Berlin' } }, { day_of_week: ['mon-fri'] }] }] } },
    { name: 'embargo', deny: { date: { after: '2030-01-01', before: '2030-01-08' } } },
    { name: 'streaming only via chat', deny: { and: [{ stream: true }, { endpoint: { not_in: ['chat', 'messages'] } }] } },
  ];
  DEPARTMENTS.forEach((department, i) => {
    rules.push({ name: `${department} budget`, when: { 'claim/department': { is: department } }, budgets: [{ per: 'claim/department', usd: 1000 + i * 100, period: 'month' }] });
    rules.push({ name: `${department} tenant header`, deny: { and: [{ 'claim/department': { is: department } }, { 'header/x-tenant': { matches: '^(?!' + department + ')' } }] } });
  });
  for (let i = 0; i < 12; i++) rules.push({ name: `team ${i} allow`, allow: { and: [{ groups: { has: `team-${i}` } }, { or: [{ model: { in: ['gpt-4o-mini', 'llama-local'] } }, { email: { ends_with: '@example.com' } }] }] } });
  rules.push({ name: 'legal and hr stay in the EU', when: { 'claim/department': { in: ['legal', 'hr'] } }, route: { regions: ['eu'] } });
  rules.push({ name: 'finance on azure', when: { 'claim/department': { is: 'finance' } }, route: { providers: ['azure-eu'] } });
  rules.push({ name: 'per-user limits', when: { authenticated_user: true }, limits: [{ per: 'user', rpm: 60, tpm: 200000 }] });
  rules.push({ name: 'per-key limits', when: { api_key: { starts_with: 'svc-' } }, limits: [{ per: 'key', rpm: 600, concurrent: 20 }] });
  rules.push({ name: 'department budgets', when: { authenticated_user: true }, budgets: [{ per: 'claim/department', usd: 500, period: 'month' }] });
  rules.push({ name: 'audit prompts of contractors', when: { domain: { is: 'contractors.example.com' } }, log_prompts: true });
  rules.push({ name: 'global cap', when: { authenticated_user: true }, limits: [{ per: 'global', rpm: 10000 }] });
  rules.push({ name: 'admins everywhere', allow: { groups: { has: 'admins' } } });
  rules.push({ name: 'no anonymous embeddings', deny: { and: [{ authenticated_user: false }, { endpoint: { is: 'embeddings' } }] } });
  rules.push({ name: 'ops key on local models', allow: { and: [{ api_key: { is: 'ops-1' } }, { model: { is: 'llama-local' } }] } });
  rules.push({ name: 'blocked partner', deny: { 'header/x-partner': { in: ['acme', 'globex'] } } });
  rules.push({ name: 'long outputs need senior', deny: { and: [{ max_tokens: { gt: 16000 } }, { not: [{ groups: { has_any: ['ml-senior', 'admins'] } }] }] } });
  return rules;
}

/** Callers × models, each a ready PolicyInput as the authorize stage would build it. */
function inputs() {
  const now = new Date('2026-01-05T10:00:00Z');
  const callers = DEPARTMENTS.map((department, i) => ({
    authenticated: true, authMethod: 'jwt', subject: `user-${i}`, email: `user${i}@${i % 4 === 3 ? 'contractors.' : ''}example.com`, name: undefined,
    groups: [i % 2 ? 'ml-senior' : 'interns', `team-${i}`], claims: { department }, keyId: undefined, team: undefined, allowedModels: undefined, admin: false,
  }));
  return callers.flatMap((principal, i) => MODELS.map((llm, j) => ({
    principal,
    request: { method: 'POST', path: '/v1/chat/completions', sourceIp: j % 2 ? `10.0.${i}.${j}` : `2001:db8::${i}:${j}`, headers: { 'x-tenant': principal.claims.department }, now },
    llm: { ...llm, endpoint: 'chat', stream: j % 2 === 0, hasTools: j === 3, maxTokens: 1000, inputTokens: () => 500 },
  })));
}

/** @param {{ batches?: number }} [options] */
export async function benchPolicyEval(options = {}) {
  const rules = realisticPolicy();
  const policy = compilePolicy(rules);
  const requests = inputs();
  let sink = 0;
  const run = (count, offset) => {
    for (let i = 0; i < count; i++) if (evaluate(policy, requests[(offset + i) % requests.length]).allow) sink++;
  };
  run(200_000, 0); // warm: let the JIT optimise and every distinct set of matched rules be seen once

  const BATCH = 10;
  const samples = [];
  for (let b = 0; b < (options.batches ?? 20_000); b++) {
    const start = process.hrtime.bigint();
    run(BATCH, b * BATCH);
    samples.push(Number(process.hrtime.bigint() - start) / 1000 / BATCH);
  }
  samples.sort((a, b) => a - b);
  return { rules: rules.length, evaluations: samples.length * BATCH, medianUs: quantile(samples, 0.5), p99Us: quantile(samples, 0.99), ...(await allocation(run)), allowed: sink };
}

function allocation(run) {
  let gcs = 0;
  const observer = new PerformanceObserver((list) => { gcs += list.getEntries().length; });
  observer.observe({ entryTypes: ['gc'] });
  const growth = [];
  for (let b = 0; b < 100; b++) {
    const before = process.memoryUsage().heapUsed;
    run(1000, b * 1000);
    const delta = process.memoryUsage().heapUsed - before;
    if (delta > 0) growth.push(delta / 1000); // a collection inside the batch makes the delta meaningless
  }
  growth.sort((a, b) => a - b);
  // GC entries are delivered asynchronously: give the observer a moment before reading the count.
  return new Promise((resolve) => setTimeout(() => {
    observer.disconnect();
    resolve({ bytesPerEvaluation: growth.length ? Math.round(quantile(growth, 0.5)) : undefined, gcsPer100k: gcs });
  }, 50));
}

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export function formatPolicyBench(result) {
  return `policy evaluation (${result.rules} rules, ${result.evaluations} evaluations): median ${result.medianUs.toFixed(2)} µs, p99 ${result.p99Us.toFixed(2)} µs; ` +
    `~${result.bytesPerEvaluation ?? '?'} bytes allocated per evaluation, ${result.gcsPer100k} garbage collections per 100k evaluations`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await benchPolicyEval();
  console.log(formatPolicyBench(result));
}
