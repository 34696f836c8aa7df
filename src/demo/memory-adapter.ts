/**
 * The demo IdP's storage: grants, codes, sessions and tokens in memory, expiring on their own. The demo is one
 * process that forgets everything on restart by design; saying so here keeps oidc-provider from warning about it.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  expiresAt: number;
}

const entries = new Map<string, Entry>();
const MAX_ENTRIES = 50_000;

export function memoryAdapter(model: string): Adapter {
  const key = (id: string) => `${model}:${id}`;
  const live = (id: string): AdapterPayload | undefined => {
    const entry = entries.get(key(id));
    if (entry && entry.expiresAt > Date.now()) return entry.payload;
    entries.delete(key(id));
    return undefined;
  };
  const findWhere = (field: 'userCode' | 'uid', value: string) => {
    for (const [name, entry] of entries) if (name.startsWith(`${model}:`) && entry.payload[field] === value && entry.expiresAt > Date.now()) return entry.payload;
    return undefined;
  };
  return {
    async upsert(id, payload, expiresIn) {
      if (entries.size >= MAX_ENTRIES) prune();
      entries.set(key(id), { payload, expiresAt: Date.now() + expiresIn * 1000 });
    },
    find: async (id) => live(id),
    findByUserCode: async (userCode) => findWhere('userCode', userCode),
    findByUid: async (uid) => findWhere('uid', uid),
    async consume(id) {
      const payload = live(id);
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    },
    async destroy(id) {
      entries.delete(key(id));
    },
    async revokeByGrantId(grantId) {
      for (const [name, entry] of entries) if (entry.payload.grantId === grantId) entries.delete(name);
    },
  };
}

function prune(): void {
  const now = Date.now();
  for (const [name, entry] of entries) if (entry.expiresAt <= now) entries.delete(name);
}
