/** The `audit` section of the configuration contract: how long audit records are kept, and how much prompt text. */
import { z } from 'zod';
import { duration } from './schema-units.js';
import { parseDuration } from './units.js';

/** A duration such as "90d", or "forever": the milliseconds records are kept, or null to keep them all. */
const retention = z.union([z.string(), z.number()]).transform((value, ctx) => {
  if (value === 'forever') return null;
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0) {
    ctx.addIssue({ code: 'custom', message: `expected a duration such as "90d" or "12h", or "forever", got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return ms;
});

export const auditSchema = z.strictObject({
  retention: retention.prefault('90d'),
  /** How often records past the retention period are deleted. */
  prune_interval: duration.refine((ms) => ms > 0, 'must be longer than 0').prefault('1h'),
  /** Prompts and completions logged under a `log_prompts` obligation are cut to this many characters each. */
  log_prompts_max_chars: z.number().int().nonnegative().default(32_768),
});

export type AuditConfig = z.output<typeof auditSchema>;
