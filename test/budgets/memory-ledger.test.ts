import { describe, expect, it } from 'vitest';
import { MemoryBudgetLedger } from '../../src/budgets/index.js';
import { admitted, ledgerContract, options, T0 } from './ledger-contract.js';
import { concurrentSpend, simultaneousReservations } from './concurrent-spend.js';

ledgerContract('memory ledger', (opts) => Promise.resolve(new MemoryBudgetLedger(opts)));

describe('memory ledger', () => {
  it('rejects options that make no sense', () => {
    expect(() => new MemoryBudgetLedger(options({ reservationTtlMs: 0 }))).toThrow(/reservationTtlMs/);
    expect(() => new MemoryBudgetLedger(options({ softLimit: 1.5 }))).toThrow(/softLimit/);
  });

  it('forgets accounts of past periods that hold nothing', async () => {
    const ledger = new MemoryBudgetLedger(options());
    const bucket = { key: 'user:dana', period: 'day', limitUsd: 1 } as const;
    await ledger.settle(admitted(await ledger.reserve([bucket], 1, T0)), 1);
    await ledger.reserve([bucket], 0.1, new Date('2037-11-28T12:00:00Z')); // sweeps
    expect(await ledger.spent('user:dana', 'day', T0)).toBe(0);
  });

  it('admits exactly what fits of 50 simultaneous reservations', async () => {
    const outcome = await simultaneousReservations([new MemoryBudgetLedger(options())], 1, 0.05, 50);
    expect(outcome).toEqual({ admitted: 20, spentUsd: 1 });
  });

  it('keeps 50 concurrent requests within the stated overspend bound', async () => {
    const under = await concurrentSpend([new MemoryBudgetLedger(options())], { limitUsd: 1, estimateUsd: 0.05, requests: 50, overrun: 0 });
    expect(under.spentUsd).toBeLessThanOrEqual(1);
    expect(under.spentUsd).toBeGreaterThan(0.95);
    const over = await concurrentSpend([new MemoryBudgetLedger(options())], { limitUsd: 1, estimateUsd: 0.05, requests: 50, overrun: 0.5 });
    expect(over.boundUsd).toBeGreaterThan(0);
    expect(over.spentUsd).toBeLessThanOrEqual(1 + over.boundUsd + 1e-9);
  });
});
