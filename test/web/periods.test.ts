import { describe, expect, it } from 'vitest';
import { BEGINNING, dayKey, periodStart } from '../../web/src/lib/periods.js';

describe('budget period starts in UTC, as the console computes them', () => {
  // A Wednesday, late in the UTC day: local time zones must not move it.
  const at = new Date('2026-11-25T23:30:00Z');

  it('starts a day at UTC midnight', () => {
    expect(periodStart('day', at)).toBe('2026-11-25');
    expect(dayKey(at)).toBe('2026-11-25');
  });

  it('starts a week on Monday (ISO weeks), also when the day is a Sunday or a Monday', () => {
    expect(periodStart('week', at)).toBe('2026-11-23');
    expect(periodStart('week', new Date('2026-11-29T12:00:00Z'))).toBe('2026-11-23');
    expect(periodStart('week', new Date('2026-11-30T00:00:00Z'))).toBe('2026-11-30');
    expect(periodStart('week', new Date('2027-01-01T08:00:00Z'))).toBe('2026-12-28');
  });

  it('starts a month on the 1st and total at the beginning', () => {
    expect(periodStart('month', at)).toBe('2026-11-01');
    expect(periodStart('month', new Date('2026-03-01T00:00:00Z'))).toBe('2026-03-01');
    expect(periodStart('total', at)).toBe(BEGINNING);
  });
});
