/**
 * `gatehouse keys create|list|revoke`: manage virtual keys through a running gateway's admin API.
 *   --url         the gateway (default $GATEHOUSE_URL, else http://127.0.0.1:4000)
 *   --admin-key   an administrator's key (default $GATEHOUSE_ADMIN_KEY)
 * A created key is printed once; the gateway keeps only its hash.
 */
import { Command } from 'commander';
import type { ApiKeyJson } from '../admin/key-json.js';

export interface KeysCliIo {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  setExitCode(code: number): void;
}

const PROCESS_IO: KeysCliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

const DEFAULT_URL = 'http://127.0.0.1:4000';

interface ConnectionOptions {
  url?: string;
  adminKey?: string;
}

interface CreateOptions extends ConnectionOptions {
  name: string;
  owner?: string;
  team?: string;
  models?: string;
  expiresIn?: string;
  json?: boolean;
}

/** A failure to show the operator as is: the API's own message, or why the API could not be reached. */
class KeysCliError extends Error {}

export function keysCommand(io: KeysCliIo = PROCESS_IO): Command {
  const keys = new Command('keys').description('manage virtual API keys through the admin API');
  const run = (action: () => Promise<void>) => action().catch((error: unknown) => fail(io, error));

  withConnection(keys.command('create').description('create a key and print it (once)'))
    .requiredOption('--name <name>', 'what the key is for')
    .option('--owner <user>', 'the user the key acts for (subject or email)')
    .option('--team <team>', 'the team the key belongs to')
    .option('--models <list>', 'comma-separated model groups the key may use (default: all)')
    .option('--expires-in <duration>', 'lifetime, such as 30d or 12h (default: never expires)')
    .option('--json', 'print the response as JSON')
    .action((options: CreateOptions) => run(() => createKey(io, options)));

  withConnection(keys.command('list').description('list keys (revoked ones included)'))
    .option('--json', 'print the keys as JSON')
    .action((options: ConnectionOptions & { json?: boolean }) => run(() => listKeys(io, options)));

  withConnection(keys.command('revoke').description('revoke a key by id'))
    .argument('<id>', 'the key id (key_…)')
    .action((id: string, options: ConnectionOptions) => run(() => revokeKey(io, id, options)));

  return keys;
}

/** Runs `gatehouse keys ARGS…` with the given io; parse errors are reported there instead of exiting. */
export async function runKeysCommand(args: string[], io: KeysCliIo): Promise<void> {
  const command = keysCommand(io);
  for (const sub of [command, ...command.commands]) {
    sub.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
  }
  try {
    await command.parseAsync(args, { from: 'user' });
  } catch {
    io.setExitCode(1); // commander has already printed why
  }
}

/** Defaults come from the environment when the command runs; none is a commander default, which `--help` would print. */
function withConnection(command: Command): Command {
  return command
    .option('--url <url>', 'gateway URL (default $GATEHOUSE_URL or http://127.0.0.1:4000)')
    .option('--admin-key <key>', 'administrator key (default $GATEHOUSE_ADMIN_KEY)');
}

async function createKey(io: KeysCliIo, options: CreateOptions): Promise<void> {
  const body = {
    name: options.name,
    ...(options.owner && { owner_user: options.owner }),
    ...(options.team && { owner_team: options.team }),
    ...(options.models && { allowed_models: options.models.split(',').map((model) => model.trim()).filter(Boolean) }),
    ...(options.expiresIn && { expires_in: options.expiresIn }),
  };
  const created = (await callAdminApi(io, options, 'POST', '/admin/api/keys', body)) as ApiKeyJson & { key: string };
  if (options.json) {
    io.out(`${JSON.stringify(created, null, 2)}\n`);
    return;
  }
  io.out(`Created key ${created.id} "${created.name}"${created.expires_at ? `, expires ${created.expires_at}` : ''}:\n\n  ${created.key}\n\n`);
  io.out('Copy it now: it cannot be shown again (the gateway keeps only its hash).\n');
}

async function listKeys(io: KeysCliIo, options: ConnectionOptions & { json?: boolean }): Promise<void> {
  const { data } = (await callAdminApi(io, options, 'GET', '/admin/api/keys?include_revoked=true')) as { data: ApiKeyJson[] };
  if (options.json) io.out(`${JSON.stringify(data, null, 2)}\n`);
  else io.out(keyTable(data));
}

async function revokeKey(io: KeysCliIo, id: string, options: ConnectionOptions): Promise<void> {
  const key = (await callAdminApi(io, options, 'POST', `/admin/api/keys/${encodeURIComponent(id)}/revoke`)) as ApiKeyJson;
  io.out(`Revoked key ${key.id} "${key.name}".\n`);
}

async function callAdminApi(io: KeysCliIo, options: ConnectionOptions, method: string, path: string, body?: object): Promise<unknown> {
  const adminKey = options.adminKey ?? io.env.GATEHOUSE_ADMIN_KEY;
  if (!adminKey) throw new KeysCliError('no admin key: pass --admin-key or set GATEHOUSE_ADMIN_KEY');
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
    throw new KeysCliError(`cannot reach ${base}: ${cause}`);
  }
  const text = await response.text();
  const json = parseJson(text);
  if (!response.ok) throw new KeysCliError(errorMessageOf(json) ?? `HTTP ${response.status} from ${base}`);
  if (json === undefined) throw new KeysCliError(`${base} did not answer with JSON: is it a Gatehouse?`);
  return json;
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

const COLUMNS: ReadonlyArray<readonly [title: string, value: (key: ApiKeyJson) => string]> = [
  ['ID', (key) => key.id],
  ['PREFIX', (key) => `${key.prefix}…`],
  ['NAME', (key) => key.name],
  ['OWNER', (key) => key.owner_user ?? '-'],
  ['TEAM', (key) => key.owner_team ?? '-'],
  ['MODELS', (key) => key.allowed_models?.join(',') ?? 'all'],
  ['EXPIRES', (key) => shortTime(key.expires_at) ?? 'never'],
  ['LAST USED', (key) => shortTime(key.last_used_at) ?? 'never'],
  ['REVOKED', (key) => shortTime(key.revoked_at) ?? '-'],
];

function keyTable(keys: readonly ApiKeyJson[]): string {
  if (keys.length === 0) return 'No keys.\n';
  const rows = [COLUMNS.map(([title]) => title), ...keys.map((key) => COLUMNS.map(([, value]) => value(key)))];
  const widths = COLUMNS.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n') + '\n';
}

/** "2030-01-31 12:00" (UTC): enough to read in a table. */
function shortTime(iso: string | null): string | undefined {
  return iso === null ? undefined : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

function fail(io: KeysCliIo, error: unknown): void {
  io.err(`error: ${error instanceof KeysCliError ? error.message : (error as Error).message}\n`);
  io.setExitCode(1);
}
