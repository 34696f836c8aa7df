/**
 * `gatehouse keys create|list|update|revoke`: manage virtual keys through a running gateway's admin API.
 *   --url         the gateway (default $GATEHOUSE_URL, else http://127.0.0.1:4000)
 *   --admin-key   an administrator's key (default $GATEHOUSE_ADMIN_KEY)
 *   --limit rpm=60,tpm=200000,concurrent=4   a rate limit in the key's own bucket (repeatable), as for teams
 *   --budget 50/month                        a budget in USD per day, week, month or total (repeatable)
 * A created key is printed once; the gateway keeps only its hash.
 */
import { Command } from 'commander';
import type { ApiKeyJson } from '../admin/key-json.js';
import { AdminCliError, callAdminApi, PROCESS_IO, runAdminCommand, runner, shortTime, table, withConnection, type AdminCliIo, type ConnectionOptions } from './admin-client.js';
import { parseBudget, parseLimit } from './teams.js';

export type KeysCliIo = AdminCliIo;

interface LimitOptions {
  limit?: string[];
  budget?: string[];
}

interface CreateOptions extends ConnectionOptions, LimitOptions {
  name: string;
  owner?: string;
  team?: string;
  models?: string;
  expiresIn?: string;
  json?: boolean;
}

interface UpdateOptions extends ConnectionOptions, LimitOptions {
  name?: string;
  models?: string;
  clearLimits?: boolean;
  clearBudgets?: boolean;
  json?: boolean;
}

const repeat = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];
const list = (text: string) => text.split(',').map((item) => item.trim()).filter(Boolean);

export function keysCommand(io: KeysCliIo = PROCESS_IO): Command {
  const keys = new Command('keys').description('manage virtual API keys through the admin API');
  const run = runner(io);

  withConnection(keys.command('create').description('create a key and print it (once)'))
    .requiredOption('--name <name>', 'what the key is for')
    .option('--owner <user>', 'the user the key acts for (subject or email)')
    .option('--team <team>', 'the team the key belongs to')
    .option('--models <list>', 'comma-separated model groups the key may use (default: all)')
    .option('--expires-in <duration>', 'lifetime, such as 30d or 12h (default: never expires)')
    .option('--limit <spec>', "a rate limit in the key's own bucket, such as rpm=60,tpm=200000,concurrent=4 (repeatable)", repeat)
    .option('--budget <usd/period>', "a budget in the key's own bucket, such as 50/month (day, week, month, total; repeatable)", repeat)
    .option('--json', 'print the response as JSON')
    .action((options: CreateOptions) => run(() => createKey(io, options)));

  withConnection(keys.command('update').description("change a key's name, models, limits or budgets (limits and budgets given replace the old ones)").argument('<id>', 'the key id (key_…)'))
    .option('--name <name>', 'what the key is for')
    .option('--models <list>', 'comma-separated model groups the key may use, or "all"')
    .option('--limit <spec>', 'a rate limit such as rpm=60,tpm=200000,concurrent=4 (repeatable)', repeat)
    .option('--budget <usd/period>', 'a budget such as 50/month (day, week, month, total; repeatable)', repeat)
    .option('--clear-limits', "remove every limit of the key's own")
    .option('--clear-budgets', "remove every budget of the key's own")
    .option('--json', 'print the key as JSON')
    .action((id: string, options: UpdateOptions) => run(() => updateKey(io, id, options)));

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
    ...(options.models && { allowed_models: list(options.models) }),
    ...(options.expiresIn && { expires_in: options.expiresIn }),
    ...limitFields(options),
  };
  const created = (await callAdminApi(io, options, 'POST', '/admin/api/keys', body)) as ApiKeyJson & { key: string };
  if (options.json) {
    io.out(`${JSON.stringify(created, null, 2)}\n`);
    return;
  }
  io.out(`Created key ${created.id} "${created.name}"${created.expires_at ? `, expires ${created.expires_at}` : ''}:\n\n  ${created.key}\n\n`);
  io.out('Copy it now: it cannot be shown again (the gateway keeps only its hash).\n');
}

async function updateKey(io: KeysCliIo, id: string, options: UpdateOptions): Promise<void> {
  if (options.limit && options.clearLimits) throw new AdminCliError('give --limit or --clear-limits, not both');
  if (options.budget && options.clearBudgets) throw new AdminCliError('give --budget or --clear-budgets, not both');
  const body = {
    ...(options.name && { name: options.name }),
    ...(options.models && { allowed_models: options.models.trim() === 'all' ? null : list(options.models) }),
    ...limitFields(options),
    ...(options.clearLimits && { limits: [] }),
    ...(options.clearBudgets && { budgets: [] }),
  };
  if (Object.keys(body).length === 0) throw new AdminCliError('nothing to change: give --name, --models, --limit, --budget, --clear-limits or --clear-budgets');
  const key = (await callAdminApi(io, options, 'PATCH', `/admin/api/keys/${encodeURIComponent(id)}`, body)) as ApiKeyJson;
  if (options.json) {
    io.out(`${JSON.stringify(key, null, 2)}\n`);
    return;
  }
  io.out(
    `Updated key ${key.id} "${key.name}".\n` +
      `Models:   ${key.allowed_models?.join(', ') ?? 'all'}\n` +
      `Limits:   ${key.limits.map(limitText).join('  ') || '-'}\n` +
      `Budgets:  ${key.budgets.map(budgetText).join('  ') || '-'}\n`,
  );
}

/** The key's own limits and budgets, in the same `--limit` and `--budget` syntax as teams. */
function limitFields(options: LimitOptions): Record<string, unknown> {
  return {
    ...(options.limit && { limits: options.limit.map(parseLimit) }),
    ...(options.budget && { budgets: options.budget.map(parseBudget) }),
  };
}

const limitText = (limit: ApiKeyJson['limits'][number]) => Object.entries(limit).map(([name, value]) => `${name}=${value}`).join(',');
const budgetText = (budget: ApiKeyJson['budgets'][number]) => `$${budget.usd}/${budget.period}`;

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
  ['LIMITS', (key) => key.limits.map(limitText).join(' ') || '-'],
  ['BUDGETS', (key) => key.budgets.map(budgetText).join(' ') || '-'],
  ['EXPIRES', (key) => shortTime(key.expires_at) ?? 'never'],
  ['LAST USED', (key) => shortTime(key.last_used_at) ?? 'never'],
  ['REVOKED', (key) => shortTime(key.revoked_at) ?? '-'],
];

function keyTable(keys: readonly ApiKeyJson[]): string {
  return keys.length === 0 ? 'No keys.\n' : table(keys, COLUMNS);
}
