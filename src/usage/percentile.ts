/**
 * Percentiles by linear interpolation between the two nearest ranks, exactly as Postgres's `percentile_cont`
 * computes them, so both backends report the same figure for the same rows. SQLite has no such function: the
 * store registers this one on its connection as an aggregate (see percentile-sql.ts).
 */

/** The `fraction` percentile (0–1) of `values` (which it sorts in place); null when there are none. */
export function percentileCont(values: number[], fraction: number): number | null {
  if (values.length === 0) return null;
  values.sort((a, b) => a - b);
  const position = fraction * (values.length - 1);
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = values[below]!;
  return low + (values[above]! - low) * (position - below);
}
