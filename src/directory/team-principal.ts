/**
 * A principal placed in its team. A person's team comes from the directory (keys carry theirs as `owner_team`);
 * the team's allowed models narrow what the credential allows, so a key or person can never widen them.
 */
import type { Principal } from '../identity/principal.js';
import type { TeamPolicy } from './obligations.js';

export function withTeam(principal: Principal, team: TeamPolicy | undefined): Principal {
  if (!team) return principal;
  const allowedModels = intersect(principal.allowedModels, team.allowedModels);
  if (principal.team === team.teamId && allowedModels === principal.allowedModels) return principal;
  return { ...principal, team: team.teamId, allowedModels };
}

/** Undefined stands for "every model". */
function intersect(a: readonly string[] | undefined, b: readonly string[] | undefined): readonly string[] | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Object.freeze(a.filter((model) => b.includes(model)));
}
