/**
 * Teams and users (admins): members, allowed models, limits, and each budget with a bar of what has been spent
 * in its current period. People appear here after their first sign-in.
 */
import { useState } from 'preact/hooks';
import * as api from '../api/endpoints.js';
import type { BudgetSpec, LimitSpec, Team, User } from '../api/types.js';
import { Empty, ErrorNotice, Loaded, Loading } from '../components/states.js';
import { UsageBar } from '../components/usage-bar.js';
import { budgetSpend, type SpendByPeriod } from '../lib/budget-spend.js';
import { list, time } from '../lib/format.js';
import { periodLabel } from '../lib/periods.js';
import { useResource, type Resource } from '../lib/use-resource.js';

export function TeamsPage() {
  const teams = useResource(api.teams, []);
  return (
    <>
      <header class="page-header">
        <h1>Teams and users</h1>
        <p class="hint">Budgets count spend in UTC periods: a day from midnight, a week from Monday, a month from the 1st.</p>
      </header>
      <section class="card" aria-labelledby="teams-title">
        <h2 id="teams-title">Teams</h2>
        <Loaded resource={teams} what="teams">
          {({ data }) => (data.length === 0 ? <Empty>No teams yet. Create them with the admin API or `gatehouse teams create`.</Empty> : <TeamTable teams={data} />)}
        </Loaded>
      </section>
      <section class="card" aria-labelledby="users-title">
        <h2 id="users-title">Users</h2>
        <UserList />
      </section>
    </>
  );
}

function TeamTable({ teams }: { teams: Team[] }) {
  const spend = useResource(() => budgetSpend('team', teams.flatMap((team) => team.budgets)), [teams]);
  return (
    <div class="scroll">
      <table>
        <caption class="visually-hidden">Teams</caption>
        <thead>
          <tr>
            <th scope="col">Team</th>
            <th scope="col">Members</th>
            <th scope="col">Allowed models</th>
            <th scope="col">Limits</th>
            <th scope="col">Budgets</th>
          </tr>
        </thead>
        <tbody>
          {teams.map((team) => (
            <tr key={team.id}>
              <td>
                <strong>{team.name}</strong>
                {team.name !== team.id && <div class="hint mono">{team.id}</div>}
              </td>
              <td class="wrap">{list(team.members, 'nobody')}</td>
              <td>{list(team.allowed_models, 'all')}</td>
              <td>{limitsText(team.limits)}</td>
              <td>
                <Budgets budgets={team.budgets} owner={team.id} spend={spend} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function UserList() {
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const [earlier, setEarlier] = useState<User[]>([]);
  const page = useResource(() => api.users(cursor), [cursor]);
  if (page.state !== 'loaded') return <Loaded resource={page} what="users">{() => null}</Loaded>;
  const users = [...earlier, ...page.data.data];
  if (users.length === 0) return <Empty>Nobody has signed in yet.</Empty>;
  const next = page.data.next_cursor;
  return (
    <>
      <UserTable users={users} />
      {next && (
        <button
          type="button"
          class="secondary"
          onClick={() => {
            setEarlier(users);
            setCursor(next);
          }}
        >
          Load more users
        </button>
      )}
    </>
  );
}

function UserTable({ users }: { users: User[] }) {
  const spend = useResource(() => budgetSpend('user', users.flatMap((user) => user.budgets ?? [])), [users.length]);
  return (
    <div class="scroll">
      <table>
        <caption class="visually-hidden">Users</caption>
        <thead>
          <tr>
            <th scope="col">Person</th>
            <th scope="col">Groups</th>
            <th scope="col">Teams</th>
            <th scope="col">Last seen</th>
            <th scope="col">Status</th>
            <th scope="col">Limits</th>
            <th scope="col">Budgets</th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <tr key={user.subject}>
              <td>
                <strong>{user.name ?? user.subject}</strong>
                <div class="hint">{user.email ?? user.subject}</div>
              </td>
              <td>{list(user.groups)}</td>
              <td>{list(user.teams)}</td>
              <td>{time(user.last_seen_at)}</td>
              <td>{user.blocked ? <span class="badge bad" title={user.blocked_reason ?? undefined}>blocked</span> : <span class="badge good">active</span>}</td>
              <td>{user.limits === null ? 'policy’s' : limitsText(user.limits)}</td>
              <td>{user.budgets === null ? 'policy’s' : <Budgets budgets={user.budgets} owner={user.subject} spend={spend} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Budgets({ budgets, owner, spend }: { budgets: BudgetSpec[]; owner: string; spend: Resource<SpendByPeriod> }) {
  if (budgets.length === 0) return <span>none</span>;
  if (spend.state === 'loading') return <Loading what="spend" />;
  if (spend.state === 'failed') return <ErrorNotice error={spend.error} />;
  return (
    <>
      {budgets.map((budget) => (
        <UsageBar key={`${budget.period}-${budget.usd}`} label={periodLabel(budget.period)} spent={spend.data.get(budget.period)?.get(owner) ?? 0} limit={budget.usd} />
      ))}
    </>
  );
}

function limitsText(limits: readonly LimitSpec[]): string {
  if (limits.length === 0) return 'none';
  return limits
    .map((limit) => [limit.rpm !== undefined && `${limit.rpm} rpm`, limit.tpm !== undefined && `${limit.tpm} tpm`, limit.concurrent !== undefined && `${limit.concurrent} at once`].filter(Boolean).join(', '))
    .join('; ');
}
