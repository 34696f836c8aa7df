/** `gatehouse start`: run the gateway from a config file until SIGTERM. */
import { ConfigError } from '../config/errors.js';
import { startGateway } from '../server/gateway.js';
import { closeOnSignals } from './shutdown.js';

export async function runStart(configPath: string): Promise<void> {
  try {
    const gateway = await startGateway({ configPath });
    process.stderr.write(`gatehouse listening on ${gateway.url}\n`);
    closeOnSignals(gateway, (message) => process.stderr.write(`gatehouse: ${message}\n`));
  } catch (error) {
    process.stderr.write(`gatehouse: ${error instanceof ConfigError ? error.message : `could not start: ${(error as Error).message}`}\n`);
    process.exit(1);
  }
}
