/** The router module: model groups, strategies, retries, fallbacks and cooldowns. */
export { Router, type RouterOptions } from './router.js';
export type { Attempt, DispatchOptions } from './dispatch-run.js';
export type { Dispatched } from './dispatched.js';
export { DeploymentHealth, healthKey, type CooldownPolicy, type DeploymentHealthSnapshot } from './health.js';
export type { StrategyName } from './strategies.js';
export type { Deployment, ModelGroup, RouterObserver } from './types.js';
export { DeploymentSaturated } from './saturated.js';
