/** The memory backend: the shared contract, plus what only it has (the sweep of idle buckets). */
import { describe, expect, it } from 'vitest';
import { MemoryLimitBackend } from '../../src/limits/index.js';
import { limitBackendContract, T0 } from './backend-contract.js';

limitBackendContract('memory backend', { make: async (clock) => new MemoryLimitBackend({ clock }) });

describe('memory backend housekeeping', () => {
  it('forgets buckets idle for two minutes, but not one with a request in flight', async () => {
    let now = T0;
    const backend = new MemoryLimitBackend({ clock: () => now });
    await backend.admit([{ key: 'user:idle', rpm: 10 }], { tokens: 0 });
    const busy = await backend.admit([{ key: 'user:busy', concurrent: 1 }], { tokens: 0 });
    expect(backend.size).toBe(2);
    now += 120_000;
    await backend.admit([{ key: 'user:new', rpm: 10 }], { tokens: 0 });
    expect(backend.size).toBe(2);
    if (busy.kind !== 'admitted') throw new Error('expected an admission');
    await backend.settle(busy.ticket, { tokens: 0 });
    now += 120_000;
    await backend.admit([{ key: 'user:new', rpm: 10 }], { tokens: 0 });
    expect(backend.size).toBe(1);
  });

  it('refuses a ticket another backend issued', async () => {
    const ticket = { buckets: [], estimatedTokens: 0 };
    await expect(new MemoryLimitBackend().settle(ticket, { tokens: 0 })).rejects.toThrow(TypeError);
  });
});
