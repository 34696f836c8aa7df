/**
 * Whether policy's route obligations (regions, providers) leave a caller any deployment of a model group or of
 * its fallbacks. A request for a group with none is refused before routing, and /v1/models does not list it.
 */
import type { Deployment, ModelGroup } from '../router/types.js';
import { routeAllows, type RouteConstraint } from './obligations.js';

export function isUnconstrained(route: RouteConstraint | undefined): boolean {
  return route === undefined || (route.regions === undefined && route.providers === undefined);
}

export function deploymentAllowed(route: RouteConstraint | undefined, deployment: Deployment): boolean {
  return isUnconstrained(route) || routeAllows(route!, deployment.provider.name, deployment.region);
}

export function anyDeploymentAllowed(route: RouteConstraint | undefined, group: ModelGroup, groupNamed: (name: string) => ModelGroup | undefined): boolean {
  if (isUnconstrained(route)) return true;
  const groups = [group, ...group.fallbacks.map(groupNamed)];
  return groups.some((g) => g?.deployments.some((d) => deploymentAllowed(route, d)));
}
