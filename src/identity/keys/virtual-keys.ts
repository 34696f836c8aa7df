/**
 * Virtual (service) and personal API keys: minted here, stored only as a keyed hash, verified on every API call.
 *
 * Revocation delay: a lookup (found, revoked or unknown) is cached for at most `revocationDelayMs`, so a key
 * revoked through any replica is refused by every replica within that delay; the replica that revokes it refuses
 * it at once. Expiry is checked against the cached expiry time on every use, so it is exact.
 *
 * Hot path: a cache hit costs one HMAC-SHA256 and a Map lookup; a miss costs one indexed query, shared by all the
 * requests that present the same key meanwhile. `last_used_at` is noted in memory and written in batches.
 */
import type { Kysely } from 'kysely';
import { GatehouseError } from '../../errors.js';
import { findApiKeyByHash, getApiKey, insertApiKey, listApiKeys, revokeApiKey, updateApiKey, type ApiKeyPatch, type StoredApiKey } from '../../store/api-keys.js';
import type { Database } from '../../store/schema.js';
import type { BudgetSpec, LimitSpec } from '../../store/teams.js';
import type { AdminRule } from '../admins.js';
import type { KeyVerifier } from '../authenticate.js';
import { CredentialError, type CredentialFailure } from '../credential-error.js';
import type { Principal } from '../principal.js';
import { viewOfKey, type ApiKeyView } from './api-key-view.js';
import { ExpiringCache } from './expiring-cache.js';
import { generateKey, generateKeyId, hasKeyShape, looksLikeKey, visiblePrefix } from './key-format.js';
import { KeyHasher } from './key-hasher.js';
import { principalOfKey } from './key-principal.js';
import { LastUsedRecorder } from './last-used.js';

export interface VirtualKeysOptions {
  db: Kysely<Database>;
  /** The config `secret`; without one no key can be created and every key is refused. */
  secret: string | undefined;
  revocationDelayMs: number;
  personalMaxLifetimeMs: number;
  personalDefaultLifetimeMs: number;
  admins: AdminRule;
  now?: () => number;
  /** How often noted uses are written to `last_used_at` (default one minute). */
  lastUsedIntervalMs?: number;
  /** Most cached lookups (default 10,000). */
  cacheSize?: number;
  /** Told about failed background writes of `last_used_at`. */
  onError?: (error: unknown) => void;
}

export interface CreateKeyInput {
  name: string;
  kind?: 'service';
  ownerUser?: string;
  ownerTeam?: string;
  allowedModels?: string[];
  expiresAt?: Date;
  metadata?: Record<string, unknown>;
  /** Rate limits counted in the key's own bucket. */
  limits?: LimitSpec[];
  /** Budgets counted in the key's own bucket. */
  budgets?: BudgetSpec[];
  /** The subject of the principal creating the key. */
  createdBy: string;
}

export interface PersonalKeyOptions {
  name?: string;
  lifetimeMs?: number;
}

export interface ListKeysFilter {
  ownerUser?: string;
  kind?: 'service' | 'personal';
  includeRevoked?: boolean;
}

export interface CreatedKey {
  /** The key itself: shown once, never stored. */
  key: string;
  record: ApiKeyView;
}

type Lookup = { ok: true; principal: Principal; keyId: string; expiresAt: number | undefined } | { ok: false; reason: CredentialFailure; message: string };

/** Unknown keys are remembered only briefly: long enough to absorb a client retrying a wrong key in a loop. */
const NEGATIVE_TTL_MS = 2_000;
const DEFAULT_LAST_USED_INTERVAL_MS = 60_000;
const DEFAULT_CACHE_SIZE = 10_000;
/** Who may mint a personal key: a person signed in, never a key (a leaked key must not breed more keys). */
const MINTING_METHODS: ReadonlySet<Principal['authMethod']> = new Set(['session', 'jwt']);

export class VirtualKeys implements KeyVerifier {
  private readonly db: Kysely<Database>;
  private readonly hasher: KeyHasher | undefined;
  private readonly options: VirtualKeysOptions;
  private readonly now: () => number;
  private readonly cache: ExpiringCache<Lookup>;
  private readonly loading = new Map<string, Promise<Lookup>>();
  private readonly lastUsed: LastUsedRecorder;
  private admins: AdminRule;
  /** Bumped by every revocation and admin change, so a lookup that started before one is not cached after it. */
  private generation = 0;

  constructor(options: VirtualKeysOptions) {
    for (const name of ['revocationDelayMs', 'personalMaxLifetimeMs', 'personalDefaultLifetimeMs'] as const) {
      if (!(options[name] > 0)) throw new RangeError(`${name} must be positive, got ${options[name]}`);
    }
    this.options = options;
    this.db = options.db;
    this.hasher = options.secret ? new KeyHasher(options.secret) : undefined;
    this.now = options.now ?? Date.now;
    this.admins = options.admins;
    this.cache = new ExpiringCache(options.cacheSize ?? DEFAULT_CACHE_SIZE);
    this.lastUsed = new LastUsedRecorder(options.db, options.lastUsedIntervalMs ?? DEFAULT_LAST_USED_INTERVAL_MS, options.onError ?? (() => undefined));
  }

  isKey(credential: string): boolean {
    return looksLikeKey(credential);
  }

  async verify(credential: string): Promise<Principal> {
    if (!this.hasher) throw new CredentialError('no_such_key', 'API keys are disabled: the configuration has no secret');
    if (!hasKeyShape(credential)) throw new CredentialError('malformed', 'the credential has a key prefix but not the shape of a key');
    const hash = this.hasher.hash(credential);
    const now = this.now();
    const lookup = this.cache.get(hash, now) ?? (await this.load(hash, now));
    if (!lookup.ok) throw new CredentialError(lookup.reason, lookup.message);
    if (lookup.expiresAt !== undefined && lookup.expiresAt <= now) throw new CredentialError('expired', `key ${lookup.keyId} has expired`);
    this.lastUsed.note(lookup.keyId, now);
    return lookup.principal;
  }

  async create(input: CreateKeyInput): Promise<CreatedKey> {
    const createdAt = this.now();
    if (input.expiresAt && input.expiresAt.getTime() <= createdAt) throw new GatehouseError('GH_ERR_BAD_REQUEST', 'Invalid request body: expires_at: the expiry must be in the future.', { param: 'expires_at' });
    return this.mint({
      kind: 'service',
      name: input.name,
      ownerUser: input.ownerUser,
      ownerTeam: input.ownerTeam,
      allowedModels: input.allowedModels && [...input.allowedModels],
      metadata: input.metadata ?? {},
      createdAt: new Date(createdAt),
      createdBy: input.createdBy,
      expiresAt: input.expiresAt,
      identity: undefined,
      limits: input.limits ? [...input.limits] : [],
      budgets: input.budgets ? [...input.budgets] : [],
    });
  }

  /** A short-lived key that acts as `principal` (as it is now) until it expires or is revoked. */
  async createPersonalKey(principal: Principal, options: PersonalKeyOptions): Promise<CreatedKey> {
    if (!principal.authenticated || !MINTING_METHODS.has(principal.authMethod)) {
      throw new GatehouseError('GH_ERR_POLICY_DENIED', 'Personal keys can only be created by a signed-in user, not with an API key.');
    }
    const { personalMaxLifetimeMs: max, personalDefaultLifetimeMs } = this.options;
    const lifetime = options.lifetimeMs ?? Math.min(personalDefaultLifetimeMs, max);
    if (!(lifetime > 0)) throw new GatehouseError('GH_ERR_BAD_REQUEST', 'The lifetime must be positive.', { param: 'lifetime' });
    if (lifetime > max) throw new GatehouseError('GH_ERR_BAD_REQUEST', `The lifetime may be at most ${Math.floor(max / 1000)} seconds.`, { param: 'lifetime' });
    const createdAt = this.now();
    return this.mint({
      kind: 'personal',
      name: options.name ?? 'personal key',
      ownerUser: principal.subject,
      ownerTeam: principal.team,
      allowedModels: principal.allowedModels && [...principal.allowedModels],
      metadata: {},
      createdAt: new Date(createdAt),
      createdBy: principal.subject,
      expiresAt: new Date(createdAt + lifetime),
      identity: {
        subject: principal.subject,
        email: principal.email,
        name: principal.name,
        groups: [...principal.groups],
        claims: { ...principal.claims },
        admin: principal.admin,
      },
      // A person never sets limits on their own keys (they could only lift them); administrators may add some.
      limits: [],
      budgets: [],
    });
  }

  async list(filter: ListKeysFilter = {}): Promise<ApiKeyView[]> {
    const keys = await listApiKeys(this.db, filter);
    return keys.map((key) => this.view(key));
  }

  async get(id: string): Promise<ApiKeyView | undefined> {
    const key = await getApiKey(this.db, id);
    return key && this.view(key);
  }

  /** Revokes a key: refused at once here, and within the revocation delay on every other replica. */
  async revoke(id: string): Promise<boolean> {
    const key = await revokeApiKey(this.db, id, new Date(this.now()));
    if (!key) return false;
    this.generation++;
    this.cache.delete(key.hash);
    return true;
  }

  /**
   * Changes a key's name, allowed models, limits or budgets. The key's cached principal is dropped here, so a
   * narrower model list applies at once on this replica and within the revocation delay on the others. Undefined
   * when no key has this id.
   */
  async update(id: string, patch: ApiKeyPatch): Promise<ApiKeyView | undefined> {
    const key = await updateApiKey(this.db, id, patch);
    if (!key) return undefined;
    this.generation++;
    this.cache.delete(key.hash);
    return this.view(key);
  }

  /** A reloaded `identity.admins`: cached personal-key principals are rebuilt with it. */
  setAdmins(admins: AdminRule): void {
    this.admins = admins;
    this.generation++;
    this.cache.clear();
  }

  /** Writes the uses noted since the last batch. */
  flushLastUsed(): Promise<void> {
    return this.lastUsed.flush();
  }

  async close(): Promise<void> {
    await this.lastUsed.close();
  }

  private async mint(record: Omit<StoredApiKey, 'id' | 'prefix' | 'hash' | 'lastUsedAt' | 'revokedAt'>): Promise<CreatedKey> {
    if (!this.hasher) throw new GatehouseError('GH_ERR_BAD_REQUEST', 'API keys need a secret: set `secret` (at least 16 characters, e.g. from ${GATEHOUSE_SECRET}) in the configuration.');
    const key = generateKey(record.kind);
    const stored: StoredApiKey = { ...record, id: generateKeyId(), prefix: visiblePrefix(key), hash: this.hasher.hash(key), lastUsedAt: undefined, revokedAt: undefined };
    await insertApiKey(this.db, stored);
    return { key, record: viewOfKey(stored, undefined) };
  }

  private view(key: StoredApiKey): ApiKeyView {
    return viewOfKey(key, this.lastUsed.pendingFor(key.id));
  }

  /** One query per hash at a time: concurrent requests with the same key share it. */
  private load(hash: string, now: number): Promise<Lookup> {
    let pending = this.loading.get(hash);
    if (!pending) {
      const generation = this.generation;
      pending = this.lookUp(hash)
        .then((lookup) => {
          if (generation === this.generation) this.cache.set(hash, lookup, now + this.ttlOf(lookup));
          return lookup;
        })
        .finally(() => this.loading.delete(hash));
      this.loading.set(hash, pending);
    }
    return pending;
  }

  private async lookUp(hash: string): Promise<Lookup> {
    const key = await findApiKeyByHash(this.db, hash);
    if (!key) return { ok: false, reason: 'no_such_key', message: 'no key has this hash' };
    if (key.revokedAt) return { ok: false, reason: 'revoked', message: `key ${key.id} was revoked` };
    return { ok: true, principal: principalOfKey(key, this.admins), keyId: key.id, expiresAt: key.expiresAt?.getTime() };
  }

  private ttlOf(lookup: Lookup): number {
    const delay = this.options.revocationDelayMs;
    return !lookup.ok && lookup.reason === 'no_such_key' ? Math.min(delay, NEGATIVE_TTL_MS) : delay;
  }
}
