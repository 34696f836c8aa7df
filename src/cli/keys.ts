/**
 * `gatehouse keys create|list|revoke`: manage virtual keys through a running gateway's admin API.
 *   --url         the gateway (default $GATEHOUSE_URL, else http://127.0.0.1:4000)
 *   --admin-key   an administrator's key (default $GATEHOUSE_ADMIN_KEY)
 * A created key is printed once; the gateway keeps only its hash.
 */
import { Command } from 'commander';
import type { ApiKeyJson } from '../admin/key-json.js';
import { callAdminApi, PROCESS_IO, runAdminCommand, runner, shortTime, table, withConnection, type AdminCliIo, type ConnectionOptions } from './admin-client.js';

export type KeysCliIo = AdminCliIo;

interface CreateOptions extends ConnectionOptions {
  name: string;
  owner?: string;
  team?: string;
  models?: string;
  expiresIn?: string;
  json?: boolean;
}

export function keysCommand(io: KeysCliIo = PROCESS_IO): Command {
  const keys = new Command('keys').description('manage virtual API keys through the admin API');
  const run = runner(io);

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
  await runAdminCommand(keysCommand(io), args, io);
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
  return keys.length === 0 ? 'No keys.\n' : table(keys, COLUMNS);
}
