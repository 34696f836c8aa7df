/** How numbers, money, durations and times read on every page (times in UTC, as budgets and spend count them). */

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function count(value: number): string {
  return integer.format(value);
}

/** Dollars with enough digits that a fraction of a cent still shows: $12.34, $0.0042, $0. */
export function usd(value: number): string {
  if (value === 0) return '$0';
  const digits = Math.abs(value) >= 1 ? 2 : Math.abs(value) >= 0.01 ? 4 : 6;
  return `${value < 0 ? '-' : ''}$${Math.abs(value).toFixed(digits)}`;
}

/** Dollars for a chart axis: short, two significant digits below a dollar ($0.0012). */
export function usdAxis(value: number): string {
  if (value === 0) return '$0';
  return Math.abs(value) >= 1 ? `$${value.toFixed(2)}` : `$${Number(value.toPrecision(2))}`;
}

export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

export function percent(value: number): string {
  return `${(value * 100).toFixed(value > 0 && value < 0.01 ? 2 : 1)}%`;
}

/** `2026-01-05 10:00:00 UTC` */
export function time(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function list(values: readonly string[] | null | undefined, empty = '—'): string {
  return values && values.length > 0 ? values.join(', ') : empty;
}
