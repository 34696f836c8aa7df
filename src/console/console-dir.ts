/**
 * Where the built console lives: `dist/ui/` at the package root, written by `npm run build` (Vite). This file is
 * `src/console/console-dir.ts` when run from source and `dist/console/console-dir.js` when built, both two levels
 * below the package root, so one relative URL finds it either way.
 */
import { fileURLToPath } from 'node:url';

export function defaultConsoleDir(): string {
  return fileURLToPath(new URL('../../dist/ui/', import.meta.url));
}
