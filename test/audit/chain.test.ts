import { describe, expect, it } from 'vitest';
import { toAuditRow } from '../../src/audit/audit-row.js';
import { canonicalForm, GENESIS_HASH, recordHash, type HashedFields } from '../../src/audit/chain.js';
import { auditRecord } from './audit-fixture.js';

const row: HashedFields = { ...toAuditRow(auditRecord(), 100), seq: 7 };

describe('the canonical form and hash', () => {
  it('is a fixed-order JSON array of the stored values', () => {
    expect(canonicalForm(row, GENESIS_HASH)).toBe(
      `["gatehouse-audit-v1",7,"${GENESIS_HASH}",1772366400123,"req_1","alice","alice@example.com","[\\"ml-senior\\",\\"staff\\"]","jwt",null,` +
        `"192.0.2.7","openai-python/1.50.0","POST","/v1/chat/completions","gpt-4o","azure-eu/gpt-4o-deploy","azure-eu","eu","allow",` +
        `"[\\"employees\\"]",null,200,120,48,"0.00078",812,790,null,null,null]`,
    );
  });

  it('covers every stored field, the seq and the previous hash', () => {
    const base = recordHash(row, GENESIS_HASH);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    for (const key of Object.keys(row) as (keyof HashedFields)[]) {
      const value = row[key];
      const changed = typeof value === 'number' ? value + 1 : value === null ? 'x' : `${value}x`;
      expect(recordHash({ ...row, [key]: changed }, GENESIS_HASH), key).not.toBe(base);
    }
    expect(recordHash(row, 'f'.repeat(64))).not.toBe(base);
  });

  it('writes the cost to 15 significant digits, which every double survives in either database', () => {
    expect(canonicalForm({ ...row, cost_usd: 0.1 + 0.2 }, GENESIS_HASH)).toContain(',"0.3",');
    expect(canonicalForm({ ...row, cost_usd: 1.23456789012345e-7 }, GENESIS_HASH)).toContain(',"1.23456789012345e-7",');
    expect(recordHash({ ...row, cost_usd: 0.1 + 0.2 }, GENESIS_HASH)).toBe(recordHash({ ...row, cost_usd: 0.3 }, GENESIS_HASH));
    expect(recordHash({ ...row, cost_usd: 0.31 }, GENESIS_HASH)).not.toBe(recordHash({ ...row, cost_usd: 0.3 }, GENESIS_HASH));
  });
});
