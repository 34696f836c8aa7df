/**
 * Browser sessions: the SessionVerifier behind the session cookie. The cookie holds 256 random bits; the store
 * keeps only their SHA-256, with the identity snapshot, and the ID token (the sign-out hint) and the IdP's refresh
 * token both sealed with a key derived from `secret` (a copy of the database yields no usable token).
 *
 * The hot path: a verified session is remembered in memory for a few seconds, then read from Redis (when
 * configured) or the store. Activity is recorded at most every `touchEveryMs` and written in batches off the
 * request path. Claims are refreshed with the refresh token once `next_refresh_at` passes, in the background
 * (the current principal is served meanwhile) unless they are a whole interval overdue; a failed refresh ends
 * the session. Only one replica refreshes a given session at a time (an optimistic claim on the row).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { AdminRule } from '../admins.js';
import type { SessionVerifier } from '../authenticate.js';
import type { Principal } from '../principal.js';
import { principalOfSnapshot, parseSnapshot, serializeSnapshot, type IdentitySnapshot } from './identity-snapshot.js';
import { TolerantMirror, type SessionMirror } from './redis-mirror.js';
import { claimRefresh } from './refresh-claim.js';
import { randomToken, tokenHash, type SecretBox } from './secret-box.js';
import { deleteEndedSessions, deleteSession, findSession, insertSession, touchSessions, updateRefreshedSession, type SessionRecord } from './session-records.js';

export interface SessionLifetimes {
  absoluteMs: number;
  idleMs: number;
  refreshIntervalMs: number;
}

/** What the IdP says when a refresh token is redeemed. */
export interface RefreshedIdentity {
  identity: IdentitySnapshot;
  idToken: string | undefined;
  /** A rotated refresh token, when the IdP issued one. */
  refreshToken: string | undefined;
  /** Epoch ms. */
  idTokenExpiresAt: number | undefined;
}

export interface ClaimsRefresher {
  /** Throws when the IdP refuses the token or answers for another subject. */
  refresh(refreshToken: string, subject: string): Promise<RefreshedIdentity>;
}

export interface NewSession {
  identity: IdentitySnapshot;
  idToken?: string | undefined;
  refreshToken?: string | undefined;
  /** Epoch ms. */
  idTokenExpiresAt?: number | undefined;
}

export interface SessionLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface BrowserSessionsOptions {
  db: Kysely<Database>;
  /** Seals ID and refresh tokens. */
  box: SecretBox;
  lifetimes: SessionLifetimes;
  /** The cookie's full name, `__Host-` prefix included when it has one. */
  cookieName: string;
  /** The admin rule of the current config (it changes on reload). */
  admins: () => AdminRule;
  refresher?: ClaimsRefresher | undefined;
  mirror?: SessionMirror | undefined;
  logger?: SessionLogger | undefined;
  clock?: () => number;
  /** How long a verified session is trusted from memory (default 5 s): a sign-out elsewhere waits this long. */
  cacheMs?: number;
  /** How often recorded activity is written (default 15 s). */
  flushEveryMs?: number;
}

interface CachedSession {
  record: SessionRecord;
  principal: Principal;
  cachedUntil: number;
}

const COOKIE_SHAPE = /^[A-Za-z0-9_-]{43}$/;
const MAX_CACHED = 10_000;
const SWEEP_EVERY_MS = 10 * 60_000;
/** A refresh is never scheduled sooner than this, so an IdP issuing very short ID tokens cannot cause a loop. */
const MIN_REFRESH_GAP_MS = 10_000;

export class BrowserSessions implements SessionVerifier {
  readonly cookieName: string;
  private readonly db: Kysely<Database>;
  private readonly options: BrowserSessionsOptions;
  private readonly clock: () => number;
  private readonly cacheMs: number;
  private readonly touchEveryMs: number;
  private readonly cache = new Map<string, CachedSession>();
  private readonly seen = new Map<string, number>();
  private readonly refreshing = new Map<string, Promise<void>>();
  private readonly timers: NodeJS.Timeout[];
  private readonly mirror: TolerantMirror;
  private lastSweep: number;

  constructor(options: BrowserSessionsOptions) {
    this.options = options;
    this.db = options.db;
    this.cookieName = options.cookieName;
    this.clock = options.clock ?? Date.now;
    this.cacheMs = options.cacheMs ?? 5_000;
    // Activity must be recorded well within the idle lifetime, or an active session would look idle.
    this.touchEveryMs = Math.min(60_000, Math.floor(options.lifetimes.idleMs / 4));
    this.lastSweep = this.clock();
    this.mirror = new TolerantMirror(options.mirror, options.logger);
    const flush = setInterval(() => void this.flush(), Math.min(options.flushEveryMs ?? 15_000, Math.max(this.touchEveryMs, 250)));
    flush.unref();
    this.timers = [flush];
  }

  /** Starts a session; `replacing` (the browser's current cookie, if any) is ended first. Returns the new cookie value. */
  async create(session: NewSession, replacing?: string): Promise<{ cookieValue: string; maxAgeSeconds: number }> {
    if (replacing !== undefined) await this.end(replacing);
    const now = this.clock();
    const id = randomToken();
    const hasRefresh = session.refreshToken !== undefined && this.options.refresher !== undefined;
    const record: SessionRecord = {
      idHash: tokenHash(id),
      subject: session.identity.subject,
      identity: serializeSnapshot(session.identity),
      idToken: session.idToken === undefined ? null : this.options.box.seal(session.idToken),
      refreshToken: hasRefresh ? this.options.box.seal(session.refreshToken!) : null,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now + this.options.lifetimes.absoluteMs,
      refreshedAt: now,
      nextRefreshAt: hasRefresh ? this.nextRefreshAt(now, session.idTokenExpiresAt) : null,
    };
    await insertSession(this.db, record);
    await this.mirrorSet(record);
    return { cookieValue: id, maxAgeSeconds: this.options.lifetimes.absoluteMs / 1000 };
  }

  async verify(cookieValue: string): Promise<Principal | undefined> {
    if (!COOKIE_SHAPE.test(cookieValue)) return undefined;
    const idHash = tokenHash(cookieValue);
    const now = this.clock();
    const entry = await this.liveSession(idHash, now);
    if (!entry) return undefined;
    this.touch(entry.record, now);
    const { nextRefreshAt } = entry.record;
    if (nextRefreshAt !== null && now >= nextRefreshAt) {
      const refresh = this.refresh(entry.record);
      // Claims a whole interval overdue are too stale to serve while waiting: wait for the refresh.
      if (now >= nextRefreshAt + this.options.lifetimes.refreshIntervalMs) {
        await refresh;
        return this.cache.get(idHash)?.principal;
      }
    }
    return entry.principal;
  }

  /** Ends the session the cookie names; returns its ID token (the IdP's sign-out hint) when it had one. */
  async end(cookieValue: string): Promise<{ idToken: string | undefined } | undefined> {
    if (!COOKIE_SHAPE.test(cookieValue)) return undefined;
    const record = await this.endByHash(tokenHash(cookieValue));
    return record && { idToken: record.idToken === null ? undefined : this.options.box.open(record.idToken) };
  }

  /** Writes pending activity and stops the timers. */
  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await this.flush();
  }

  /** Writes recorded activity to the store (and Redis), and now and then deletes ended sessions. */
  async flush(): Promise<void> {
    if (this.seen.size > 0) {
      const batch = new Map(this.seen);
      this.seen.clear();
      // Only the store gets activity: a replica's cached copy may be older than another's refresh, and writing it
      // to Redis would undo that. The Redis copy expires at its idle deadline and is then re-read from the store.
      try {
        await touchSessions(this.db, batch);
      } catch (error) {
        this.options.logger?.warn({ err: { message: (error as Error).message }, sessions: batch.size }, 'recording session activity failed');
      }
    }
    const now = this.clock();
    if (now - this.lastSweep >= SWEEP_EVERY_MS) {
      this.lastSweep = now;
      await deleteEndedSessions(this.db, now, now - this.options.lifetimes.idleMs).catch(() => 0);
    }
  }

  /** The session if it is live; an ended one is deleted. */
  private async liveSession(idHash: string, now: number): Promise<CachedSession | undefined> {
    const entry = await this.load(idHash, now);
    if (!entry) return undefined;
    if (this.isLive(entry.record, now)) return entry;
    // A cached or mirrored copy may predate activity recorded by another replica: the store decides.
    const stored = await findSession(this.db, idHash);
    if (stored && this.isLive(stored, now)) {
      await this.mirrorSet(stored);
      return this.remember(stored, now);
    }
    await this.endByHash(idHash);
    return undefined;
  }

  private async load(idHash: string, now: number): Promise<CachedSession | undefined> {
    const cached = this.cache.get(idHash);
    if (cached && cached.cachedUntil > now) return cached;
    const record = (await this.mirror.get(idHash)) ?? (await this.loadFromStore(idHash));
    if (!record) {
      this.cache.delete(idHash);
      return undefined;
    }
    if (cached && cached.record.lastSeenAt > record.lastSeenAt) record.lastSeenAt = cached.record.lastSeenAt;
    return this.remember(record, now);
  }

  private async loadFromStore(idHash: string): Promise<SessionRecord | undefined> {
    const record = await findSession(this.db, idHash);
    if (record) await this.mirrorSet(record);
    return record;
  }

  private remember(record: SessionRecord, now: number): CachedSession {
    const entry = { record, principal: principalOfSnapshot(parseSnapshot(record.identity), this.options.admins()), cachedUntil: now + this.cacheMs };
    this.cache.delete(record.idHash);
    this.cache.set(record.idHash, entry);
    if (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    return entry;
  }

  private isLive(record: SessionRecord, now: number): boolean {
    return now < record.expiresAt && now - record.lastSeenAt < this.options.lifetimes.idleMs;
  }

  private touch(record: SessionRecord, now: number): void {
    if (now - record.lastSeenAt < this.touchEveryMs) return;
    record.lastSeenAt = now;
    this.seen.set(record.idHash, now);
  }

  private refresh(record: SessionRecord): Promise<void> {
    let running = this.refreshing.get(record.idHash);
    if (!running) {
      running = this.runRefresh(record).finally(() => this.refreshing.delete(record.idHash));
      this.refreshing.set(record.idHash, running);
    }
    return running;
  }

  private async runRefresh(record: SessionRecord): Promise<void> {
    const { refresher, box, logger } = this.options;
    const now = this.clock();
    // Another replica may be refreshing this session; only the one whose claim succeeds talks to the IdP.
    if (!refresher) return;
    if (!(await claimRefresh(this.db, record, now + 60_000))) {
      // Someone else holds the claim (or our copy is stale): stop asking until the cached copy is re-read.
      record.nextRefreshAt = now + 60_000;
      return;
    }
    const sealed = record.refreshToken === null ? undefined : box.open(record.refreshToken);
    try {
      if (sealed === undefined) throw new Error('the stored refresh token cannot be opened');
      const refreshed = await refresher.refresh(sealed, record.subject);
      const updated: SessionRecord = {
        ...record,
        identity: serializeSnapshot(refreshed.identity),
        idToken: refreshed.idToken === undefined ? record.idToken : box.seal(refreshed.idToken),
        refreshToken: refreshed.refreshToken === undefined ? record.refreshToken : box.seal(refreshed.refreshToken),
        refreshedAt: now,
        nextRefreshAt: this.nextRefreshAt(now, refreshed.idTokenExpiresAt),
      };
      await updateRefreshedSession(this.db, record.idHash, updated);
      await this.mirrorSet(updated);
      this.remember(updated, this.clock());
      logger?.info({ subject: record.subject }, 'session claims refreshed');
    } catch (error) {
      logger?.warn({ subject: record.subject, err: { message: (error as Error).message } }, 'session refresh failed; the session ends');
      await this.endByHash(record.idHash);
    }
  }

  private nextRefreshAt(now: number, idTokenExpiresAt: number | undefined): number {
    const interval = this.options.lifetimes.refreshIntervalMs;
    const due = Math.min(now + interval, idTokenExpiresAt ?? Number.POSITIVE_INFINITY);
    return Math.max(due, now + Math.min(interval, MIN_REFRESH_GAP_MS));
  }

  private async endByHash(idHash: string): Promise<SessionRecord | undefined> {
    this.cache.delete(idHash);
    this.seen.delete(idHash);
    await this.mirror.delete(idHash);
    return deleteSession(this.db, idHash);
  }

  private mirrorSet(record: SessionRecord): Promise<void> {
    return this.mirror.set(record, Math.min(record.expiresAt, record.lastSeenAt + this.options.lifetimes.idleMs) - this.clock());
  }
}
