/**
 * The time windows of the usage report. Buckets are aligned to whole multiples of their size since the Unix
 * epoch (UTC hours, six-hour blocks starting at 00:00 UTC, UTC days), so a chart drawn now and one drawn a
 * minute later share their buckets. The window ends at the end of the bucket holding `now` (that last bucket
 * is still filling) and starts exactly one window length earlier.
 */
export const USAGE_WINDOW_NAMES = ['24h', '7d', '30d'] as const;
export type UsageWindowName = (typeof USAGE_WINDOW_NAMES)[number];

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const SPECS: Record<UsageWindowName, { lengthMs: number; bucketMs: number }> = {
  '24h': { lengthMs: DAY_MS, bucketMs: HOUR_MS },
  '7d': { lengthMs: 7 * DAY_MS, bucketMs: 6 * HOUR_MS },
  '30d': { lengthMs: 30 * DAY_MS, bucketMs: DAY_MS },
};

export interface UsageWindow {
  name: UsageWindowName;
  /** First instant included, epoch ms. */
  fromMs: number;
  /** First instant after the window, epoch ms. */
  toMs: number;
  bucketMs: number;
  /** How many buckets: always the window length over the bucket size. */
  buckets: number;
}

export function isUsageWindowName(text: string): text is UsageWindowName {
  return (USAGE_WINDOW_NAMES as readonly string[]).includes(text);
}

export function usageWindow(name: UsageWindowName, now: Date): UsageWindow {
  const { lengthMs, bucketMs } = SPECS[name];
  const toMs = (Math.floor(now.getTime() / bucketMs) + 1) * bucketMs;
  return { name, fromMs: toMs - lengthMs, toMs, bucketMs, buckets: lengthMs / bucketMs };
}
