/**
 * `gatehouse users list|show|block|unblock`: people as the gateway has seen them (created at their first
 * sign-in), through a running gateway's admin API (connection options as for `gatehouse keys`).
 */
import { Command } from 'commander';
import type { UserJson } from '../directory/wire-json.js';
import { callAdminApi, PROCESS_IO, runAdminCommand, runner, shortTime, table, withConnection, type AdminCliIo, type ConnectionOptions } from './admin-client.js';

interface ListOptions extends ConnectionOptions {
  team?: string;
  blocked?: boolean;
  active?: boolean;
  email?: string;
  limit?: string;
  cursor?: string;
  json?: boolean;
}

type JsonOption = ConnectionOptions & { json?: boolean };

export function usersCommand(io: AdminCliIo = PROCESS_IO): Command {
  const users = new Command('users').description('list, show, block and unblock users through the admin API');
  const run = runner(io);

  withConnection(users.command('list').description('list users, a page at a time'))
    .option('--team <id>', 'only members of this team')
    .option('--blocked', 'only blocked users')
    .option('--active', 'only users who are not blocked')
    .option('--email <prefix>', 'only emails starting with this')
    .option('--limit <n>', 'page size (default 100)')
    .option('--cursor <cursor>', 'the page after this cursor (printed under a full page)')
    .option('--json', 'print the page as JSON')
    .action((options: ListOptions) => run(() => listUsers(io, options)));

  withConnection(users.command('show').description('show one user').argument('<subject>', "the user's subject"))
    .option('--json', 'print the user as JSON')
    .action((subject: string, options: JsonOption) => run(() => showUser(io, subject, options)));

  withConnection(users.command('block').description('refuse every request of a user').argument('<subject>', "the user's subject"))
    .option('--reason <text>', 'why (kept with the user)')
    .action((subject: string, options: ConnectionOptions & { reason?: string }) =>
      run(() => setBlocked(io, subject, { blocked: true, ...(options.reason && { reason: options.reason }) }, options)),
    );

  withConnection(users.command('unblock').description('let a blocked user in again').argument('<subject>', "the user's subject"))
    .action((subject: string, options: ConnectionOptions) => run(() => setBlocked(io, subject, { blocked: false }, options)));

  return users;
}

/** Runs `gatehouse users ARGS…` with the given io; parse errors are reported there instead of exiting. */
export async function runUsersCommand(args: string[], io: AdminCliIo): Promise<void> {
  await runAdminCommand(usersCommand(io), args, io);
}

async function listUsers(io: AdminCliIo, options: ListOptions): Promise<void> {
  const query = new URLSearchParams();
  if (options.team) query.set('team', options.team);
  if (options.blocked || options.active) query.set('blocked', options.blocked ? 'true' : 'false');
  if (options.email) query.set('email', options.email);
  if (options.limit) query.set('limit', options.limit);
  if (options.cursor) query.set('cursor', options.cursor);
  const suffix = query.size > 0 ? `?${query.toString()}` : '';
  const page = (await callAdminApi(io, options, 'GET', `/admin/api/users${suffix}`)) as { data: UserJson[]; next_cursor: string | null };
  if (options.json) {
    io.out(`${JSON.stringify(page, null, 2)}\n`);
    return;
  }
  io.out(page.data.length === 0 ? 'No users.\n' : table(page.data, COLUMNS));
  if (page.next_cursor !== null) io.out(`More users: add --cursor ${page.next_cursor}\n`);
}

async function showUser(io: AdminCliIo, subject: string, options: JsonOption): Promise<void> {
  const user = (await callAdminApi(io, options, 'GET', userPath(subject))) as UserJson;
  if (options.json) {
    io.out(`${JSON.stringify(user, null, 2)}\n`);
    return;
  }
  io.out(
    `User:       ${user.subject}\n` +
      `Email:      ${user.email ?? '-'}\n` +
      `Name:       ${user.name ?? '-'}\n` +
      `Groups:     ${user.groups.join(', ') || '-'}\n` +
      `Teams:      ${user.teams.join(', ') || '-'}\n` +
      `Blocked:    ${blockedText(user)}\n` +
      `First seen: ${shortTime(user.created_at)}\n` +
      `Last seen:  ${shortTime(user.last_seen_at)}\n` +
      `Limits:     ${user.limits === null ? 'from policy' : JSON.stringify(user.limits)}\n` +
      `Budgets:    ${user.budgets === null ? 'from policy' : JSON.stringify(user.budgets)}\n`,
  );
}

async function setBlocked(io: AdminCliIo, subject: string, body: { blocked: boolean; reason?: string }, options: ConnectionOptions): Promise<void> {
  const user = (await callAdminApi(io, options, 'PATCH', userPath(subject), body)) as UserJson;
  io.out(user.blocked ? `Blocked ${user.subject}${user.blocked_reason ? ` (${user.blocked_reason})` : ''}.\n` : `Unblocked ${user.subject}.\n`);
}

function userPath(subject: string): string {
  return `/admin/api/users/${encodeURIComponent(subject)}`;
}

function blockedText(user: UserJson): string {
  if (!user.blocked) return 'no';
  return `since ${shortTime(user.blocked_at)}${user.blocked_reason ? `: ${user.blocked_reason}` : ''}`;
}

const COLUMNS: ReadonlyArray<readonly [title: string, value: (user: UserJson) => string]> = [
  ['SUBJECT', (user) => user.subject],
  ['EMAIL', (user) => user.email ?? '-'],
  ['NAME', (user) => user.name ?? '-'],
  ['TEAMS', (user) => user.teams.join(',') || '-'],
  ['BLOCKED', (user) => (user.blocked ? 'yes' : '-')],
  ['LAST SEEN', (user) => shortTime(user.last_seen_at) ?? '-'],
];
