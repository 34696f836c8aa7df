/**
 * `gatehouse audit verify` and `gatehouse audit export`: read the audit log of the store named by a config file.
 *   verify: walks the hash chain; exit 0 when intact, 1 when broken, 2 when it could not be checked.
 *   export: writes JSON Lines to stdout or --out, oldest first.
 */
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { Command } from 'commander';
import { describeProblem } from '../audit/chain-walker.js';
import { exportAudit } from '../audit/export.js';
import { verifyAuditChain, type AuditVerification } from '../audit/verify.js';
import type { ChainLink } from '../audit/chain.js';
import { ConfigError } from '../config/errors.js';
import { loadConfig } from '../config/load.js';
import { openStore, type Store } from '../store/database.js';

export interface CliOutput {
  stdout: Writable;
  stderr: { write(text: string): unknown };
}

const PROCESS_OUTPUT: CliOutput = { stdout: process.stdout, stderr: process.stderr };
/** Problems printed; the rest are counted. */
const PRINTED_PROBLEMS = 100;

export const EXIT_OK = 0;
export const EXIT_BROKEN = 1;
export const EXIT_FAILED = 2;

export interface AuditVerifyOptions {
  config: string;
  /** `SEQ:HASH` printed by an earlier verify: the chain must still reach it, unchanged. */
  expectHead?: string;
}

export async function runAuditVerify(options: AuditVerifyOptions, output: CliOutput = PROCESS_OUTPUT): Promise<number> {
  return withStore(options.config, output, async (store) => {
    const expectHead = options.expectHead === undefined ? undefined : parseHead(options.expectHead);
    const result = await verifyAuditChain(store.db, expectHead ? { expectHead } : {});
    output.stdout.write(verificationReport(result));
    return result.ok ? EXIT_OK : EXIT_BROKEN;
  });
}

export function verificationReport(result: AuditVerification): string {
  const from = result.start.seq === 0 ? 'the first record' : `the retention checkpoint at seq ${result.start.seq}`;
  const lines = result.ok
    ? [`audit chain OK: ${result.checked} records checked, from ${from}`]
    : [`audit chain BROKEN: ${result.problemCount} problem(s) in ${result.checked} records checked, from ${from}`];
  for (const problem of result.problems.slice(0, PRINTED_PROBLEMS)) lines.push(`  ${describeProblem(problem)}`);
  if (result.problemCount > PRINTED_PROBLEMS) lines.push(`  … and ${result.problemCount - PRINTED_PROBLEMS} more`);
  if (result.expectedHeadPruned) lines.push('the expected head was deleted by retention: it was not checked');
  // Truncating the newest records leaves a valid but shorter chain; only a head kept elsewhere shows it.
  lines.push(`head: ${result.head.seq}:${result.head.hash}`, '(keep the head outside the database; pass it as --expect-head next time)');
  return `${lines.join('\n')}\n`;
}

export interface AuditExportCliOptions {
  config: string;
  from?: string;
  to?: string;
  /** A file to write; stdout when absent. */
  out?: string;
}

export async function runAuditExport(options: AuditExportCliOptions, output: CliOutput = PROCESS_OUTPUT): Promise<number> {
  return withStore(options.config, output, async (store) => {
    const range = { ...(options.from && { from: parseInstant('--from', options.from) }), ...(options.to && { to: parseInstant('--to', options.to) }) };
    if (options.out === undefined) {
      await exportAudit(store.db, output.stdout, range);
      return EXIT_OK;
    }
    const file = createWriteStream(options.out, { flags: 'w', mode: 0o600 });
    try {
      const count = await exportAudit(store.db, file, range);
      file.end();
      await finished(file);
      output.stderr.write(`exported ${count} audit records to ${options.out}\n`);
    } finally {
      file.destroy();
    }
    return EXIT_OK;
  });
}

/** Loads the config, opens its store, runs `work`, closes; any failure is printed and gives EXIT_FAILED. */
async function withStore(configPath: string, output: CliOutput, work: (store: Store) => Promise<number>): Promise<number> {
  let store: Store | undefined;
  try {
    const config = await loadConfig(configPath);
    store = await openStore(config.storage.url);
    return await work(store);
  } catch (error) {
    output.stderr.write(`gatehouse audit: ${error instanceof ConfigError ? error.message : (error as Error).message}\n`);
    return EXIT_FAILED;
  } finally {
    await store?.close();
  }
}

function parseHead(text: string): ChainLink {
  const match = /^(\d+):([0-9a-f]{64})$/.exec(text.trim());
  if (!match) throw new Error(`--expect-head must be SEQ:HASH as printed by "audit verify", got ${JSON.stringify(text)}`);
  return { seq: Number(match[1]), hash: match[2] ?? '' };
}

function parseInstant(flag: string, text: string): Date {
  const date = /^\d+$/.test(text) ? new Date(Number(text)) : new Date(text);
  if (Number.isNaN(date.getTime())) throw new Error(`${flag} must be an ISO 8601 time (2025-01-31 or 2025-01-31T12:00:00Z) or epoch milliseconds`);
  return date;
}

const DEFAULT_CONFIG = process.env.GATEHOUSE_CONFIG ?? 'gatehouse.yaml';

/** `gatehouse audit …`, for `program.addCommand()`. */
export function auditCommand(): Command {
  const audit = new Command('audit').description('audit log tools: verify the hash chain, export JSON Lines');
  audit
    .command('verify')
    .description('check the audit hash chain; exit 1 when a record was changed, removed or reordered')
    .option('-c, --config <file>', 'configuration file', DEFAULT_CONFIG)
    .option('--expect-head <seq:hash>', 'a head printed by an earlier verify, to detect removal of the newest records')
    .action(async (options: AuditVerifyOptions) => {
      process.exitCode = await runAuditVerify(options);
    });
  audit
    .command('export')
    .description('write the audit log as JSON Lines, oldest first')
    .option('-c, --config <file>', 'configuration file', DEFAULT_CONFIG)
    .option('--from <time>', 'only requests at or after this time (ISO 8601 or epoch ms)')
    .option('--to <time>', 'only requests before this time (ISO 8601 or epoch ms)')
    .option('-o, --out <file>', 'output file (default: stdout)')
    .action(async (options: AuditExportCliOptions) => {
      process.exitCode = await runAuditExport(options);
    });
  return audit;
}
