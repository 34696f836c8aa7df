/** Graceful shutdown on SIGTERM/SIGINT: finish in-flight requests and flush queued records, then exit. */
import type { RunningGateway } from '../server/gateway.js';

export function closeOnSignals(gateway: RunningGateway, log: (message: string) => void): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      log(`${signal} again: exiting now`);
      process.exit(1);
    }
    signalled = true;
    log(`${signal}: shutting down gracefully`);
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log(`shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
