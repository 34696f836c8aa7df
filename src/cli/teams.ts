/**
 * `gatehouse teams create|list|show|update|delete|add-member|remove-member`: manage teams through a running
 * gateway's admin API (connection options as for `gatehouse keys`).
 *   --limit rpm=60,tpm=200000,concurrent=4   a rate limit (repeatable)
 *   --budget 500/month                       a budget in USD per day, week, month or total (repeatable)
 */
import { Command } from 'commander';
import type { TeamJson } from '../directory/wire-json.js';
import { AdminCliError, callAdminApi, PROCESS_IO, runAdminCommand, runner, table, withConnection, type AdminCliIo, type ConnectionOptions } from './admin-client.js';

interface TeamOptions extends ConnectionOptions {
  name?: string;
  models?: string;
  limit?: string[];
  budget?: string[];
  json?: boolean;
}

interface CreateOptions extends TeamOptions {
  members?: string;
}

interface UpdateOptions extends TeamOptions {
  clearLimits?: boolean;
  clearBudgets?: boolean;
}

type JsonOption = ConnectionOptions & { json?: boolean };

const repeat = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];
const list = (text: string) => text.split(',').map((item) => item.trim()).filter(Boolean);

export function teamsCommand(io: AdminCliIo = PROCESS_IO): Command {
  const teams = new Command('teams').description('manage teams (members, allowed models, limits, budgets) through the admin API');
  const run = runner(io);

  withPolicyOptions(withConnection(teams.command('create').description('create a team').argument('<id>', 'the team id (a slug: lower-case letters, digits, - and _)')))
    .option('--members <subjects>', 'comma-separated subjects of the first members')
    .action((id: string, options: CreateOptions) => run(() => createTeam(io, id, options)));

  withConnection(teams.command('list').description('list teams'))
    .option('--json', 'print the teams as JSON')
    .action((options: JsonOption) => run(() => listTeams(io, options)));

  withConnection(teams.command('show').description('show one team').argument('<id>', 'the team id'))
    .option('--json', 'print the team as JSON')
    .action((id: string, options: JsonOption) => run(() => showTeam(io, id, options)));

  withPolicyOptions(withConnection(teams.command('update').description('change a team (limits and budgets given replace the old ones)').argument('<id>', 'the team id')))
    .option('--clear-limits', 'remove every team limit')
    .option('--clear-budgets', 'remove every team budget')
    .action((id: string, options: UpdateOptions) => run(() => updateTeam(io, id, options)));

  withConnection(teams.command('delete').description('delete a team and its memberships').argument('<id>', 'the team id'))
    .action((id: string, options: ConnectionOptions) => run(() => deleteTeam(io, id, options)));

  withConnection(teams.command('add-member').description('add a person to a team').argument('<id>', 'the team id').argument('<subject>', "the person's subject"))
    .action((id: string, subject: string, options: ConnectionOptions) => run(() => changeMember(io, 'POST', id, subject, options)));

  withConnection(teams.command('remove-member').description('remove a person from a team').argument('<id>', 'the team id').argument('<subject>', "the person's subject"))
    .action((id: string, subject: string, options: ConnectionOptions) => run(() => changeMember(io, 'DELETE', id, subject, options)));

  return teams;
}

/** Runs `gatehouse teams ARGS…` with the given io; parse errors are reported there instead of exiting. */
export async function runTeamsCommand(args: string[], io: AdminCliIo): Promise<void> {
  await runAdminCommand(teamsCommand(io), args, io);
}

function withPolicyOptions(command: Command): Command {
  return command
    .option('--name <name>', 'display name')
    .option('--models <list>', 'comma-separated model groups members may use, or "all"')
    .option('--limit <spec>', 'a rate limit such as rpm=60,tpm=200000,concurrent=4 (repeatable)', repeat)
    .option('--budget <usd/period>', 'a budget such as 500/month (day, week, month, total; repeatable)', repeat)
    .option('--json', 'print the team as JSON');
}

async function createTeam(io: AdminCliIo, id: string, options: CreateOptions): Promise<void> {
  const body = { id, ...policyFields(options), ...(options.members && { members: list(options.members) }) };
  const team = (await callAdminApi(io, options, 'POST', '/admin/api/teams', body)) as TeamJson;
  printTeam(io, team, options.json, `Created team ${team.id}.\n`);
}

async function updateTeam(io: AdminCliIo, id: string, options: UpdateOptions): Promise<void> {
  const body = { ...policyFields(options), ...(options.clearLimits && { limits: [] }), ...(options.clearBudgets && { budgets: [] }) };
  if (Object.keys(body).length === 0) throw new AdminCliError('nothing to change: give --name, --models, --limit, --budget, --clear-limits or --clear-budgets');
  const team = (await callAdminApi(io, options, 'PATCH', teamPath(id), body)) as TeamJson;
  printTeam(io, team, options.json, `Updated team ${team.id}.\n`);
}

async function listTeams(io: AdminCliIo, options: JsonOption): Promise<void> {
  const { data } = (await callAdminApi(io, options, 'GET', '/admin/api/teams')) as { data: TeamJson[] };
  if (options.json) io.out(`${JSON.stringify(data, null, 2)}\n`);
  else io.out(data.length === 0 ? 'No teams.\n' : table(data, COLUMNS));
}

async function showTeam(io: AdminCliIo, id: string, options: JsonOption): Promise<void> {
  printTeam(io, (await callAdminApi(io, options, 'GET', teamPath(id))) as TeamJson, options.json, '');
}

async function deleteTeam(io: AdminCliIo, id: string, options: ConnectionOptions): Promise<void> {
  await callAdminApi(io, options, 'DELETE', teamPath(id));
  io.out(`Deleted team ${id}.\n`);
}

async function changeMember(io: AdminCliIo, method: 'POST' | 'DELETE', id: string, subject: string, options: ConnectionOptions): Promise<void> {
  if (method === 'POST') await callAdminApi(io, options, 'POST', `${teamPath(id)}/members`, { subject });
  else await callAdminApi(io, options, 'DELETE', `${teamPath(id)}/members/${encodeURIComponent(subject)}`);
  io.out(method === 'POST' ? `Added ${subject} to team ${id}.\n` : `Removed ${subject} from team ${id}.\n`);
}

function policyFields(options: TeamOptions): Record<string, unknown> {
  return {
    ...(options.name && { name: options.name }),
    ...(options.models && { allowed_models: options.models.trim() === 'all' ? null : list(options.models) }),
    ...(options.limit && { limits: options.limit.map(parseLimit) }),
    ...(options.budget && { budgets: options.budget.map(parseBudget) }),
  };
}

/** `rpm=60,tpm=200000` → `{ rpm: 60, tpm: 200000 }`; the gateway checks the rest. */
export function parseLimit(spec: string): Record<string, number> {
  const limit: Record<string, number> = {};
  for (const part of list(spec)) {
    const match = /^(rpm|tpm|concurrent)=(\d+)$/.exec(part);
    if (!match) throw new AdminCliError(`--limit ${spec}: expected rpm=N, tpm=N or concurrent=N, separated by commas`);
    limit[match[1]!] = Number(match[2]);
  }
  return limit;
}

/** `500/month` → `{ usd: 500, period: 'month' }`. */
export function parseBudget(spec: string): { usd: number; period: string } {
  const match = /^\s*\$?(\d+(?:\.\d+)?)\s*\/\s*(day|week|month|total)\s*$/.exec(spec);
  if (!match) throw new AdminCliError(`--budget ${spec}: expected USD/PERIOD, such as 500/month (day, week, month or total)`);
  return { usd: Number(match[1]), period: match[2]! };
}

function teamPath(id: string): string {
  return `/admin/api/teams/${encodeURIComponent(id)}`;
}

const limitText = (limit: TeamJson['limits'][number]) => Object.entries(limit).map(([name, value]) => `${name}=${value}`).join(',');
const budgetText = (budget: TeamJson['budgets'][number]) => `$${budget.usd}/${budget.period}`;

const COLUMNS: ReadonlyArray<readonly [title: string, value: (team: TeamJson) => string]> = [
  ['ID', (team) => team.id],
  ['NAME', (team) => team.name],
  ['MEMBERS', (team) => String(team.members.length)],
  ['MODELS', (team) => team.allowed_models?.join(',') ?? 'all'],
  ['LIMITS', (team) => team.limits.map(limitText).join(' ') || '-'],
  ['BUDGETS', (team) => team.budgets.map(budgetText).join(' ') || '-'],
];

function printTeam(io: AdminCliIo, team: TeamJson, json: boolean | undefined, heading: string): void {
  if (json) {
    io.out(`${JSON.stringify(team, null, 2)}\n`);
    return;
  }
  io.out(
    `${heading}Team:     ${team.id} (${team.name})\n` +
      `Members:  ${team.members.join(', ') || '-'}\n` +
      `Models:   ${team.allowed_models?.join(', ') ?? 'all'}\n` +
      `Limits:   ${team.limits.map(limitText).join('  ') || '-'}\n` +
      `Budgets:  ${team.budgets.map(budgetText).join('  ') || '-'}\n`,
  );
}
