/** `gatehouse config check FILE`: validate, print a short summary or every problem, exit 0 or 1. */
import { ConfigError } from '../config/errors.js';
import { loadConfig } from '../config/load.js';

export async function runConfigCheck(file: string): Promise<void> {
  try {
    const config = await loadConfig(file);
    const deployments = config.models.reduce((sum, model) => sum + model.deployments.length, 0);
    process.stdout.write(`${file}: OK (${Object.keys(config.providers).length} providers, ${config.models.length} models, ${deployments} deployments)\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : `${file}: ${(error as Error).message}`}\n`);
    process.exitCode = 1;
  }
}
