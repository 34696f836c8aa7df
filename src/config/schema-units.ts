/** Zod types for the config's human-friendly units, parsed once at load so the hot path sees only numbers. */
import { z } from 'zod';
import { parseDuration, parseSize } from './units.js';

// Fields with a default use .prefault(), not .default(): zod 4's .default() hands its value back as the *output*
// without running the transform, so a default of '1s' would reach the hot path as a string instead of 1000.
export const duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected a duration such as "30s", "500ms" or "5m", got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return ms;
});

export const size = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const bytes = parseSize(value);
  if (bytes === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected a size such as "10mb" or "512kb", got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return bytes;
});
