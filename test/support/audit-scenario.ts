/**
 * The setting of the audit end-to-end test: DESIGN.md's policy (employees allowed, premium models for ml-senior
 * only, legal and HR kept in the EU) plus a rule that keeps finance conversations in the audit log, two priced
 * upstreams in two regions, the JSON shapes the admin API answers with, and the built CLI.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuditRecordJson } from '../../src/audit/record-json.js';
import { openaiProvider } from './config.js';
import type { TestIdp } from './jwt-issuer.js';
import type { OpenaiUpstream } from './upstreams/openai-upstream.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const PREMIUM_RULE = 'premium models are for ml-senior';
export const EU_RULE = 'legal and hr stay in the EU';
export const LOG_RULE = 'finance conversations are kept';
export const PREMIUM_MESSAGE = 'Premium models need the ml-senior group.';

const POLICIES = [
  { name: 'employees', allow: { and: [{ authenticated_user: true }, { domain: { is: 'example.com' } }] } },
  { name: PREMIUM_RULE, deny: { and: [{ model_tags: { has: 'premium' } }, { not: [{ groups: { has: 'ml-senior' } }] }] }, message: PREMIUM_MESSAGE },
  { name: EU_RULE, when: { 'claim/department': { in: ['legal', 'hr'] } }, route: { regions: ['eu'] } },
  { name: LOG_RULE, when: { 'claim/department': { is: 'finance' } }, log_prompts: true },
];

/** $1000 / $2000 per million tokens: the fake upstream's 12 + 5 tokens cost 0.012 + 0.010 USD. */
const PRICES = { input_cost_per_mtok: 1000, output_cost_per_mtok: 2000 };
export const COST = 0.022;

/** Deployments `<model>-us` on `openai-us` and `<model>-eu` on `openai-eu`. */
function deployments(model: string): object[] {
  return [
    { id: `${model}-us`, provider: 'openai-us', model, region: 'us', ...PRICES },
    { id: `${model}-eu`, provider: 'openai-eu', model, region: 'eu', ...PRICES },
  ];
}

/** Models `gpt-4o` (tagged premium) and `gpt-4o-mini`, each in both regions; JWTs from `idp`; audit kept forever. */
export function auditScenarioConfig(idp: TestIdp, us: OpenaiUpstream, eu: OpenaiUpstream): object {
  return {
    identity: { bearer: [{ issuer: idp.issuer, audiences: ['gatehouse'], jwks_url: idp.jwksUrl }] },
    providers: { 'openai-us': openaiProvider(us), 'openai-eu': openaiProvider(eu) },
    models: [
      { name: 'gpt-4o', tags: ['premium'], deployments: deployments('gpt-4o') },
      { name: 'gpt-4o-mini', deployments: deployments('gpt-4o-mini') },
    ],
    policies: POLICIES,
    audit: { retention: 'forever' },
  };
}

/** A page of `GET /admin/api/audit`. */
export interface AuditPageJson {
  data: AuditRecordJson[];
  next_cursor: string | null;
}

/** The answer of `POST /admin/api/policy/explain`, as far as the tests read it. */
export interface ExplanationJson {
  decision: 'allow' | 'deny';
  message?: string;
  matched: { allow: string[]; deny: string[]; when: string[] };
  rules: Array<{ name: string; kind: string; matched: boolean; failed?: { path: string; criterion: string; matched: boolean; text: string } }>;
  obligations: { route: { regions: string[] | null; providers: string[] | null }; log_prompts: boolean };
}

/** Runs the built CLI (`node bin/gatehouse.js …`); resolves with its exit code and output. */
export function gatehouseCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'bin/gatehouse.js'), ...args], { cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}
