/**
 * What every admin command line (`gatehouse keys`, `teams`, `users`) shares: where to print, how to reach the
 * gateway's admin API (`--url`, `--admin-key`, their environment defaults), and how a failure is shown.
 */
import { Command } from 'commander';

export interface AdminCliIo {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  setExitCode(code: number): void;
}

export const PROCESS_IO: AdminCliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

const DEFAULT_URL = 'http://127.0.0.1:4000';

export interface ConnectionOptions {
  url?: string;
  adminKey?: string;
}

/** A failure to show the operator as is: the API's own message, or why the API could not be reached. */
export class AdminCliError extends Error {}

/** Defaults come from the environment when the command runs; none is a commander default, which `--help` would print. */
export function withConnection(command: Command): Command {
  return command
    .option('--url <url>', 'gateway URL (default $GATEHOUSE_URL or http://127.0.0.1:4000)')
    .option('--admin-key <key>', 'administrator key (default $GATEHOUSE_ADMIN_KEY)');
}

/** Runs a command's action, reporting any failure on `io` with exit status 1. */
export function runner(io: AdminCliIo): (action: () => Promise<void>) => Promise<void> {
  return (action) => action().catch((error: unknown) => fail(io, error));
}

/** Runs `gatehouse <command> ARGS…` with the given io; parse errors are reported there instead of exiting. */
export async function runAdminCommand(command: Command, args: string[], io: AdminCliIo): Promise<void> {
  for (const sub of [command, ...command.commands]) {
    sub.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
  }
  try {
    await command.parseAsync(args, { from: 'user' });
  } catch {
    io.setExitCode(1); // commander has already printed why
  }
}

export async function callAdminApi(io: AdminCliIo, options: ConnectionOptions, method: string, path: string, body?: object): Promise<unknown> {
  const adminKey = options.adminKey ?? io.env.GATEHOUSE_ADMIN_KEY;
  if (!adminKey) throw new AdminCliError('no admin key: pass --admin-key or set GATEHOUSE_ADMIN_KEY');
  const base = (options.url ?? io.env.GATEHOUSE_URL ?? DEFAULT_URL).replace(/\/+$/, '');
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, ...(body && { 'content-type': 'application/json' }) },
      ...(body && { body: JSON.stringify(body) }),
    });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
    throw new AdminCliError(`cannot reach ${base}: ${cause}`);
  }
  const text = await response.text();
  const json = parseJson(text);
  if (!response.ok) throw new AdminCliError(errorMessageOf(json) ?? `HTTP ${response.status} from ${base}`);
  if (json === undefined) throw new AdminCliError(`${base} did not answer with JSON: is it a Gatehouse?`);
  return json;
}

/** A table with a header row, columns padded to their widest cell. */
export function table<T>(rows: readonly T[], columns: ReadonlyArray<readonly [title: string, value: (row: T) => string]>): string {
  const cells = [columns.map(([title]) => title), ...rows.map((row) => columns.map(([, value]) => value(row)))];
  const widths = columns.map((_, column) => Math.max(...cells.map((line) => line[column]!.length)));
  return cells.map((line) => line.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n') + '\n';
}

/** "2030-01-31 12:00" (UTC): enough to read in a table. */
export function shortTime(iso: string | null): string | undefined {
  return iso === null ? undefined : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function errorMessageOf(json: unknown): string | undefined {
  const message = (json as { error?: { message?: unknown } } | undefined)?.error?.message;
  return typeof message === 'string' ? message : undefined;
}

function fail(io: AdminCliIo, error: unknown): void {
  io.err(`error: ${error instanceof AdminCliError ? error.message : (error as Error).message}\n`);
  io.setExitCode(1);
}
