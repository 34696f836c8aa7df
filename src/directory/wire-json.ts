/**
 * Teams and users on the wire (admin API and CLI): snake_case, ISO times, null for absent values. The shapes are
 * zod schemas so the OpenAPI document describes exactly what the mappers below produce.
 */
import { z } from 'zod';
import type { StoredTeam } from '../store/teams.js';
import type { StoredUser } from '../store/users.js';
import { budgetSpecSchema, limitSpecSchema } from './wire-input.js';

const isoTime = z.string().meta({ description: 'ISO 8601 time.', format: 'date-time' });

export const teamJsonSchema = z.object({
  object: z.literal('team'),
  id: z.string(),
  name: z.string(),
  members: z.array(z.string()).meta({ description: 'Subjects, sorted.' }),
  allowed_models: z.array(z.string()).nullable().meta({ description: 'null: every model.' }),
  limits: z.array(limitSpecSchema),
  budgets: z.array(budgetSpecSchema),
  metadata: z.record(z.string(), z.unknown()),
  created_at: isoTime,
  updated_at: isoTime,
});

export const userJsonSchema = z.object({
  object: z.literal('user'),
  subject: z.string(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  groups: z.array(z.string()).meta({ description: 'As of their last sign-in or request.' }),
  teams: z.array(z.string()).meta({ description: 'Team ids, in the order joined; the first is the team their requests count in.' }),
  blocked: z.boolean(),
  blocked_reason: z.string().nullable(),
  blocked_at: isoTime.nullable(),
  created_at: isoTime.meta({ description: 'First seen.' }),
  last_seen_at: isoTime,
  limits: z.array(limitSpecSchema).nullable().meta({ description: "Override of policy's per-user limits; null: none." }),
  budgets: z.array(budgetSpecSchema).nullable().meta({ description: "Override of policy's per-user budgets; null: none." }),
});

export type TeamJson = z.infer<typeof teamJsonSchema>;
export type UserJson = z.infer<typeof userJsonSchema>;

export function teamJson(team: StoredTeam): TeamJson {
  return {
    object: 'team',
    id: team.id,
    name: team.name,
    members: team.members,
    allowed_models: team.allowedModels ?? null,
    limits: team.limits,
    budgets: team.budgets,
    metadata: team.metadata,
    created_at: team.createdAt.toISOString(),
    updated_at: team.updatedAt.toISOString(),
  };
}

export function userJson(user: StoredUser): UserJson {
  return {
    object: 'user',
    subject: user.subject,
    email: user.email ?? null,
    name: user.name ?? null,
    groups: user.groups,
    teams: user.teams,
    blocked: user.blocked !== undefined,
    blocked_reason: user.blocked?.reason ?? null,
    blocked_at: user.blocked?.at.toISOString() ?? null,
    created_at: user.createdAt.toISOString(),
    last_seen_at: user.lastSeenAt.toISOString(),
    limits: user.limits ?? null,
    budgets: user.budgets ?? null,
  };
}
