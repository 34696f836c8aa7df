/**
 * What the admin API accepts for teams and users, as zod schemas: the routes validate with them and the OpenAPI
 * document is generated from them, so the two cannot drift apart. Unknown fields are refused (a typo must not
 * silently drop a limit).
 */
import { z } from 'zod';

const MAX_METADATA_BYTES = 4096;
const MAX_ENTRIES = 20;

export const TEAM_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export const teamIdSchema = z.string().regex(TEAM_ID_PATTERN, 'a team id is 1–63 lower-case letters, digits, "-" or "_", starting with a letter or digit');
export const subjectSchema = z.string().trim().min(1).max(320);

const positiveCount = z.number().int().positive().max(1_000_000_000);

export const limitSpecSchema = z
  .strictObject({
    rpm: positiveCount.optional().meta({ description: 'Requests per sliding minute.' }),
    tpm: positiveCount.optional().meta({ description: 'Tokens (input + output) per sliding minute.' }),
    concurrent: positiveCount.optional().meta({ description: 'Requests in flight at once.' }),
  })
  .refine((limit) => limit.rpm !== undefined || limit.tpm !== undefined || limit.concurrent !== undefined, 'a limit needs rpm, tpm or concurrent')
  .meta({ description: 'A rate limit; the owner (team or user) names the bucket it counts in.' });

export const budgetSpecSchema = z
  .strictObject({
    usd: z.number().nonnegative().max(1e12).meta({ description: 'Spend allowed per period, in US dollars.' }),
    period: z.enum(['day', 'week', 'month', 'total']).meta({ description: 'Calendar period (in the configured time zone), or `total` for ever.' }),
  })
  .meta({ description: 'A spend budget.' });

/** Every owner of limits and budgets (team, user, key) takes at most this many of each. */
export const limitListSchema = z.array(limitSpecSchema).max(MAX_ENTRIES);
export const budgetListSchema = z.array(budgetSpecSchema).max(MAX_ENTRIES);
const limits = limitListSchema;
const budgets = budgetListSchema;
const allowedModels = z.array(z.string().min(1).max(200)).min(1, 'use null (or omit) to allow every model').max(1000);
const metadata = z
  .record(z.string(), z.unknown())
  .refine((value) => JSON.stringify(value).length <= MAX_METADATA_BYTES, `metadata may hold at most ${MAX_METADATA_BYTES} bytes of JSON`);

export const createTeamBody = z.strictObject({
  id: teamIdSchema,
  name: z.string().trim().min(1).max(200).optional().meta({ description: 'Display name; default the id.' }),
  members: z.array(subjectSchema).max(10_000).optional().meta({ description: 'Subjects of the first members.' }),
  allowed_models: allowedModels.nullable().optional().meta({ description: 'Model groups members may use; null or absent: all.' }),
  limits: limits.optional(),
  budgets: budgets.optional(),
  metadata: metadata.optional(),
});

export const patchTeamBody = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  allowed_models: allowedModels.nullable().optional().meta({ description: 'null: every model again.' }),
  limits: limits.optional().meta({ description: 'Replaces the team limits; [] removes them.' }),
  budgets: budgets.optional().meta({ description: 'Replaces the team budgets; [] removes them.' }),
  metadata: metadata.optional().meta({ description: 'Replaces the metadata.' }),
});

export const addMemberBody = z.strictObject({ subject: subjectSchema.meta({ description: "The person's subject (their IdP `sub`)." }) });

export const patchUserBody = z
  .strictObject({
    blocked: z.boolean().optional().meta({ description: 'true blocks the user (every credential they present is refused with 403); false unblocks.' }),
    reason: z.string().trim().min(1).max(500).optional().meta({ description: 'Why the user is blocked; only with blocked: true.' }),
    limits: limits.nullable().optional().meta({ description: "Replaces the per-user limits policy binds for this user; [] lifts them; null: policy's again." }),
    budgets: budgets.nullable().optional().meta({ description: "Replaces the per-user budgets policy binds for this user; [] lifts them; null: policy's again." }),
  })
  .refine((body) => body.reason === undefined || body.blocked === true, { message: 'a reason goes with blocked: true', path: ['reason'] });

const flag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

export const listUsersQuery = z.strictObject({
  team: teamIdSchema.optional().meta({ description: 'Only members of this team.' }),
  blocked: flag.optional().meta({ description: 'Only blocked (true) or unblocked (false) users.' }),
  email: z.string().min(1).max(320).optional().meta({ description: 'Only emails starting with this (case-insensitive).' }),
  cursor: z.string().min(1).max(320).optional().meta({ description: "The previous page's next_cursor." }),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1).max(1000))
    .optional()
    .meta({ description: 'Page size, 1–1000 (default 100).' }),
});

export const teamPathParams = z.strictObject({ id: teamIdSchema });
export const memberPathParams = z.strictObject({ id: teamIdSchema, subject: subjectSchema });
export const userPathParams = z.strictObject({ subject: subjectSchema });
