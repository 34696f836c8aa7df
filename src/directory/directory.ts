/**
 * The directory of people and teams as the request path sees it. Every answer the request path asks for is
 * cached for a short, stated time (`cacheTtlMs`), so a block or a team change made on another replica takes
 * effect there within that time; changes made through this instance take effect at once here.
 *
 * - `recordSignIn` creates a person at their first sign-in and refreshes their email, name and groups;
 * - `recordSeen` does the same for requests authenticated by a bearer JWT, at most once per person per
 *   `seenIntervalMs` and never on the caller's critical path;
 * - `isBlocked`, `teamOf`, `teamPolicy`, `userOverrides` and `keyPolicy` answer the authenticate and limits stages.
 */
import type { Kysely } from 'kysely';
import { ExpiringCache } from '../identity/keys/expiring-cache.js';
import type { Principal } from '../identity/principal.js';
import { getApiKeyLimits } from '../store/api-keys.js';
import type { Database } from '../store/schema.js';
import { getTeam, teamsOfSubjects } from '../store/teams.js';
import { getUser, isUserBlocked, recordUserSeen } from '../store/users.js';
import type { Obligations } from '../policy/obligations.js';
import { blockedError } from './blocked.js';
import { keyPolicyOf, teamPolicyOf, userOverridesOf, withDirectoryObligations, type KeyPolicy, type TeamPolicy, type UserOverrides } from './obligations.js';
import { withTeam } from './team-principal.js';

export interface DirectoryOptions {
  db: Kysely<Database>;
  /** How long a replica may keep answering from its cache (blocked, teams, team and key policies). Default 10 s. */
  cacheTtlMs?: number;
  /** `recordSeen` writes a person at most this often per replica. Default 60 s. */
  seenIntervalMs?: number;
  /** Entries per cache. Default 10 000. */
  cacheSize?: number;
  /** Where a failed background write is reported. */
  onError?: (error: unknown) => void;
  clock?: () => number;
}

/** Who a sign-in is: only people (browser sessions and bearer JWTs) are recorded, never keys. */
const PEOPLE: ReadonlySet<Principal['authMethod']> = new Set(['session', 'jwt']);

export class Directory {
  readonly cacheTtlMs: number;
  private readonly db: Kysely<Database>;
  private readonly seenIntervalMs: number;
  private readonly clock: () => number;
  private readonly onError: (error: unknown) => void;
  private readonly seen: ExpiringCache<true>;
  private readonly blocked: ExpiringCache<Promise<boolean>>;
  private readonly teams: ExpiringCache<Promise<readonly string[]>>;
  private readonly policies: ExpiringCache<Promise<TeamPolicy | undefined>>;
  private readonly overrides: ExpiringCache<Promise<UserOverrides>>;
  private readonly keyPolicies: ExpiringCache<Promise<KeyPolicy | undefined>>;

  constructor(options: DirectoryOptions) {
    this.db = options.db;
    this.cacheTtlMs = options.cacheTtlMs ?? 10_000;
    this.seenIntervalMs = options.seenIntervalMs ?? 60_000;
    this.clock = options.clock ?? Date.now;
    this.onError = options.onError ?? (() => undefined);
    const size = options.cacheSize ?? 10_000;
    this.seen = new ExpiringCache(size);
    this.blocked = new ExpiringCache(size);
    this.teams = new ExpiringCache(size);
    this.policies = new ExpiringCache(size);
    this.overrides = new ExpiringCache(size);
    this.keyPolicies = new ExpiringCache(size);
  }

  /** At sign-in: creates the person from their claims, or refreshes them. Ignores principals that are not people. */
  async recordSignIn(principal: Principal): Promise<void> {
    if (!principal.authenticated || !PEOPLE.has(principal.authMethod)) return;
    const now = this.clock();
    await recordUserSeen(this.db, principal, new Date(now));
    this.seen.set(principal.subject, true, now + this.seenIntervalMs);
  }

  /**
   * On an authenticated request: records the person unless this replica did so within `seenIntervalMs`. Returns at
   * once; the write happens in the background and a failure goes to `onError` (and is retried on a later request).
   */
  recordSeen(principal: Principal): void {
    if (!principal.authenticated || !PEOPLE.has(principal.authMethod)) return;
    const now = this.clock();
    if (this.seen.get(principal.subject, now) !== undefined) return;
    this.seen.set(principal.subject, true, now + this.seenIntervalMs);
    recordUserSeen(this.db, principal, new Date(now)).catch((error: unknown) => {
      this.seen.delete(principal.subject);
      this.onError(error);
    });
  }

  isBlocked(subject: string): Promise<boolean> {
    return this.cached(this.blocked, subject, () => isUserBlocked(this.db, subject));
  }

  /** The user's teams, in the order they joined. */
  teamsOf(subject: string): Promise<readonly string[]> {
    return this.cached(this.teams, subject, async () => (await teamsOfSubjects(this.db, [subject])).get(subject) ?? []);
  }

  /** The team a person's requests count in: the first they joined. Undefined when they are in none. */
  async teamOf(subject: string): Promise<string | undefined> {
    return (await this.teamsOf(subject))[0];
  }

  /** A team's allowed models, limits and budgets; undefined when there is no such team. */
  teamPolicy(teamId: string): Promise<TeamPolicy | undefined> {
    return this.cached(this.policies, teamId, async () => {
      const team = await getTeam(this.db, teamId);
      return team && teamPolicyOf(team);
    });
  }

  /** A person's own limits and budgets, set by an administrator, replacing what policy binds per user. */
  userOverrides(subject: string): Promise<UserOverrides> {
    return this.cached(this.overrides, subject, async () => userOverridesOf(await getUser(this.db, subject)));
  }

  /** A key's own limits and budgets, set by an administrator; undefined when it has none (or there is no such key). */
  keyPolicy(keyId: string): Promise<KeyPolicy | undefined> {
    return this.cached(this.keyPolicies, keyId, async () => keyPolicyOf(keyId, await getApiKeyLimits(this.db, keyId)));
  }

  /**
   * The authenticate stage's directory step, after the credential is verified: refuses a blocked person (whatever
   * credential they present, keys they own included), records people as seen, and places the principal in its
   * team (a key's `owner_team`, else the person's first team), narrowed to the team's allowed models.
   */
  async resolvePrincipal(principal: Principal): Promise<Principal> {
    if (!principal.authenticated || principal.authMethod === 'bootstrap_key') return principal;
    if (await this.isBlocked(principal.subject)) throw blockedError(principal.subject);
    this.recordSeen(principal);
    const teamId = principal.team ?? (principal.authMethod === 'virtual_key' ? undefined : await this.teamOf(principal.subject));
    return withTeam(principal, teamId === undefined ? undefined : await this.teamPolicy(teamId));
  }

  /**
   * The limits stage's directory step: policy's obligations with the person's overrides, and the team's and the
   * key's (for principals authenticated by a virtual or personal key) added.
   */
  async obligationsFor(principal: Principal, obligations: Obligations): Promise<Obligations> {
    if (!principal.authenticated || principal.authMethod === 'bootstrap_key') return obligations;
    const [team, overrides, key] = await Promise.all([
      principal.team === undefined ? undefined : this.teamPolicy(principal.team),
      this.userOverrides(principal.subject),
      principal.keyId === undefined ? undefined : this.keyPolicy(principal.keyId),
    ]);
    return withDirectoryObligations(obligations, team, overrides, key);
  }

  /** Forgets what this replica cached about a person (after a change made here through the admin API). */
  forgetUser(subject: string): void {
    this.blocked.delete(subject);
    this.teams.delete(subject);
    this.overrides.delete(subject);
  }

  /** Forgets a team's cached policy, and every cached membership (a change may touch any member). */
  forgetTeam(teamId: string): void {
    this.policies.delete(teamId);
    this.teams.clear();
  }

  /** Forgets a key's cached limits and budgets (after a change made here through the admin API). */
  forgetKey(keyId: string): void {
    this.keyPolicies.delete(keyId);
  }

  /** Caches the promise itself, so concurrent requests for one subject share one query; a failure is not kept. */
  private cached<V>(cache: ExpiringCache<Promise<V>>, key: string, load: () => Promise<V>): Promise<V> {
    const now = this.clock();
    const hit = cache.get(key, now);
    if (hit !== undefined) return hit;
    const loading = load();
    cache.set(key, loading, now + this.cacheTtlMs);
    loading.catch(() => {
      if (cache.get(key, this.clock()) === loading) cache.delete(key);
    });
    return loading;
  }
}
