/**
 * Runs one load run (bench/loadgen.js) in a process of its own, for BENCH_LOADGEN=child: receives the
 * LoadOptions over IPC, answers with the LoadResult (or `{ error }`) and exits.
 */
import { runLoad } from './loadgen.js';

process.once('message', (message) => {
  runLoad(/** @type {import('./loadgen.js').LoadOptions} */ (message)).then(
    (result) => process.send?.({ result }, () => process.exit(0)),
    (error) => process.send?.({ error: String(error?.stack ?? error) }, () => process.exit(1)),
  );
});
process.on('disconnect', () => process.exit(0));
