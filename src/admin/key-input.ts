/**
 * What the admin API accepts for keys, as zod schemas: the routes validate with them and the OpenAPI document is
 * generated from them. Limits and budgets take the very shapes teams and users take. Unknown fields are refused (a
 * typo must not silently drop a limit); the owner and the secret of a key never change after it is created.
 */
import { z } from 'zod';
import { budgetListSchema, limitListSchema } from '../directory/wire-input.js';

const MAX_METADATA_BYTES = 4096;

const keyName = z.string().trim().min(1, 'a key needs a name').max(200);
const allowedModels = z.array(z.string().min(1).max(200)).min(1, 'omit allowed_models to allow every model').max(1000);

export const createKeyBody = z
  .strictObject({
    name: keyName,
    owner_user: z.string().trim().min(1).max(320).optional(),
    owner_team: z.string().trim().min(1).max(200).optional(),
    allowed_models: allowedModels.optional().meta({ description: 'Omit for every model.' }),
    expires_at: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 time such as 2030-01-31T00:00:00Z' }).optional().meta({ description: 'ISO 8601 with offset; not together with expires_in.' }),
    expires_in: z.union([z.string(), z.number()]).optional().meta({ description: 'A duration such as "30d" or "12h", or seconds.' }),
    metadata: z
      .record(z.string(), z.unknown())
      .refine((value) => JSON.stringify(value).length <= MAX_METADATA_BYTES, `metadata may hold at most ${MAX_METADATA_BYTES} bytes of JSON`)
      .optional()
      .meta({ description: 'At most 4 KB of JSON.' }),
    limits: limitListSchema.optional().meta({ description: "Rate limits counted in the key's own bucket, on top of what policy and the team bind." }),
    budgets: budgetListSchema.optional().meta({ description: "Budgets counted in the key's own bucket, on top of what policy and the team bind." }),
  })
  .refine((body) => body.expires_at === undefined || body.expires_in === undefined, { message: 'give expires_at or expires_in, not both', path: ['expires_in'] });

export const patchKeyBody = z
  .strictObject({
    name: keyName.optional(),
    allowed_models: z
      .array(z.string().min(1).max(200))
      .min(1, 'use null to allow every model')
      .max(1000)
      .nullable()
      .optional()
      .meta({ description: 'Replaces the allowed models; null: every model again.' }),
    limits: limitListSchema.optional().meta({ description: "Replaces the key's limits; [] removes them." }),
    budgets: budgetListSchema.optional().meta({ description: "Replaces the key's budgets; [] removes them." }),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), 'nothing to change: give name, allowed_models, limits or budgets');

export const keyPathParams = z.strictObject({ id: z.string().min(1).max(100).meta({ description: 'Key id (key_…).' }) });
