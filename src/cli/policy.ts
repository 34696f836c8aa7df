/**
 * `gatehouse policy test`: what policy decides for a described caller and model, and why.
 *
 *   gatehouse policy test --config gatehouse.yaml --principal '{"email":"alice@example.com","groups":["ml-senior"]}' \
 *     --model gpt-4o [--ip 10.1.2.3] [--time 2026-01-05T10:00:00Z] [--endpoint chat] [--header x-tenant:a] [--json]
 *
 * Exit status: 0 allowed, 1 denied, 2 the command could not answer (bad config, bad arguments).
 */
import { Command } from 'commander';
import { ConfigError } from '../config/errors.js';
import { loadConfig } from '../config/load.js';
import { GatehouseError } from '../errors.js';
import { explainRequest, type RequestExplanation } from '../policy/explain-request.js';
import type { ObligationsExplanation, RuleExplanation } from '../policy/explain.js';

export const EXIT_ALLOWED = 0;
export const EXIT_DENIED = 1;
export const EXIT_UNANSWERED = 2;

export interface PolicyTestOptions {
  config: string;
  principal: string;
  model: string;
  endpoint?: string;
  ip?: string;
  time?: string;
  header?: string[];
  stream?: boolean;
  tools?: boolean;
  maxTokens?: string;
  inputTokens?: string;
  json?: boolean;
}

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

const STDIO: Output = { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };

/** `gatehouse policy …`, for `program.addCommand`. */
export function policyCommand(): Command {
  const policy = new Command('policy').description('policy tools');
  policy
    .command('test')
    .description('show what policy decides for a caller and a model, and why')
    .option('-c, --config <file>', 'configuration file', process.env.GATEHOUSE_CONFIG ?? 'gatehouse.yaml')
    .requiredOption('--principal <json>', 'the caller as JSON, e.g. \'{"email":"alice@example.com","groups":["ml-senior"]}\'')
    .requiredOption('--model <name>', 'the model group requested')
    .option('--endpoint <endpoint>', 'chat, completions, embeddings or messages', 'chat')
    .option('--ip <address>', 'the client IP address')
    .option('--time <iso>', 'the time of the request (ISO 8601), default now')
    .option('--header <name:value>', 'a request header (repeatable)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--stream', 'a streamed request')
    .option('--tools', 'the request offers tools')
    .option('--max-tokens <n>', 'the max_tokens the client sets')
    .option('--input-tokens <n>', 'the estimated prompt size in tokens')
    .option('--json', 'print the explanation as JSON')
    // Usage errors exit 2 like every other failure to answer, so 1 always means "denied".
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : EXIT_UNANSWERED))
    .action(async (options: PolicyTestOptions) => {
      process.exitCode = await runPolicyTest(options);
    });
  return policy;
}

/** Runs the test and prints the result; returns the exit status. */
export async function runPolicyTest(options: PolicyTestOptions, output: Output = STDIO): Promise<number> {
  try {
    const config = await loadConfig(options.config);
    const explanation = explainRequest(config, requestBody(options));
    output.out(options.json ? `${JSON.stringify(explanation, null, 2)}\n` : renderExplanation(explanation));
    return explanation.decision === 'allow' ? EXIT_ALLOWED : EXIT_DENIED;
  } catch (error) {
    const known = error instanceof ConfigError || error instanceof GatehouseError || error instanceof UsageError;
    output.err(`gatehouse policy test: ${known ? error.message : `unexpected error: ${(error as Error).message}`}\n`);
    return EXIT_UNANSWERED;
  }
}

class UsageError extends Error {}

function requestBody(options: PolicyTestOptions): Record<string, unknown> {
  let principal: unknown;
  try {
    principal = JSON.parse(options.principal);
  } catch {
    throw new UsageError(`--principal is not valid JSON: ${options.principal}`);
  }
  const headers = Object.fromEntries((options.header ?? []).map((header) => {
    const colon = header.indexOf(':');
    if (colon <= 0) throw new UsageError(`--header expects name:value, got ${header}`);
    return [header.slice(0, colon).trim(), header.slice(colon + 1).trim()];
  }));
  return {
    principal,
    model: options.model,
    endpoint: options.endpoint ?? 'chat',
    headers,
    ...(options.ip !== undefined && { ip: options.ip }),
    ...(options.time !== undefined && { time: options.time }),
    ...(options.stream && { stream: true }),
    ...(options.tools && { tools: true }),
    ...(options.maxTokens !== undefined && { max_tokens: integer(options.maxTokens, '--max-tokens') }),
    ...(options.inputTokens !== undefined && { input_tokens: integer(options.inputTokens, '--input-tokens') }),
  };
}

function integer(text: string, option: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${option} expects a whole number, got ${text}`);
  return Number(text);
}

/** The explanation as a person reads it. */
export function renderExplanation(explanation: RequestExplanation): string {
  const { input } = explanation;
  const who = input.principal.authenticated ? `${input.principal.subject} (${input.principal.auth_method}; groups ${list(input.principal.groups)})` : 'anonymous';
  const lines = [
    `decision: ${explanation.decision.toUpperCase()} (${explanation.reason.replaceAll('_', ' ')})`,
    ...(explanation.message === undefined ? [] : [`message:  ${explanation.message}`]),
    `request:  ${who} → ${input.model} [tags ${list(input.model_tags)}] via ${input.endpoint}, ip ${input.ip ?? '(none)'}, at ${input.time}`,
    '',
    'rules:',
    ...explanation.rules.map(ruleLine),
    '',
    explanation.decision === 'allow' ? 'obligations:' : 'obligations (of the matching when rules; they bind only allowed requests):',
    ...obligationLines(explanation.obligations),
    ...explanation.warnings.map((warning) => `\nwarning: ${warning}`),
  ];
  return `${lines.join('\n')}\n`;
}

function ruleLine(rule: RuleExplanation): string {
  const head = `  ${rule.matched ? '✓' : '✗'} ${rule.kind.padEnd(5)} ${rule.name}`;
  if (rule.matched || rule.failed === undefined) return head;
  const { path, matched, expected, actual } = rule.failed;
  return `${head}\n        at ${path}: ${matched ? 'not ' : ''}${expected} — ${actual}`;
}

function obligationLines(obligations: ObligationsExplanation): string[] {
  const { route } = obligations;
  return [
    `  route:       regions ${route.regions === null ? 'any' : list(route.regions)}, providers ${route.providers === null ? 'any' : list(route.providers)}`,
    ...obligations.limits.map((limit) => `  limit:       per ${limit.per}${rate(' rpm', limit.rpm)}${rate(' tpm', limit.tpm)}${rate(' concurrent', limit.concurrent)} (${limit.rule})`),
    ...obligations.budgets.map((budget) => `  budget:      per ${budget.per} $${budget.usd} a ${budget.period === 'total' ? 'total' : budget.period} (${budget.rule})`),
    `  log prompts: ${obligations.log_prompts ? 'yes' : 'no'}`,
  ];
}

function rate(label: string, value: number | undefined): string {
  return value === undefined ? '' : `${label} ${value}`;
}

function list(values: readonly string[]): string {
  return `[${values.join(', ')}]`;
}
