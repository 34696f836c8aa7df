/**
 * Vitest global setup: builds the web console (Vite, vite.config.ts) into dist/ui when it is missing or older
 * than its sources, so `npm install && npm test` on a fresh clone serves a real console to the browser tests.
 * The build goes to a temporary folder first and is then moved into place, so a test run that is already
 * reading dist/ui never sees it half written.
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OUT_DIR = path.join(ROOT, 'dist', 'ui');
const SOURCES = [path.join(ROOT, 'web'), path.join(ROOT, 'vite.config.ts')];

/** Whether dist/ui/index.html is missing or older than any file the console is built from. */
export function consoleBuildIsStale(): boolean {
  const index = path.join(OUT_DIR, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return SOURCES.some((source) => newestChange(source) > built);
}

export async function ensureConsoleBuilt(): Promise<void> {
  if (!consoleBuildIsStale()) return;
  const staging = path.join(ROOT, 'dist', `.ui-build-${process.pid}`);
  try {
    await build({ configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir: staging, emptyOutDir: true } });
    const previous = path.join(ROOT, 'dist', `.ui-previous-${process.pid}`);
    if (existsSync(OUT_DIR)) renameSync(OUT_DIR, previous);
    renameSync(staging, OUT_DIR);
    rmSync(previous, { recursive: true, force: true });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function newestChange(source: string): number {
  if (!existsSync(source)) return 0;
  const stat = statSync(source);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(source, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

export default async function setup(): Promise<void> {
  await ensureConsoleBuilt();
}
