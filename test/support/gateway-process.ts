/**
 * A Gatehouse running as a real child process (`node bin/gatehouse.js start --config FILE`, from the built
 * `dist/`), for what only a process can show: signals, exit codes, a graceful shutdown that must flush to disk.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Output kept for failure messages: the end of what the process wrote. */
const KEPT_OUTPUT = 16_384;

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface GatewayProcess {
  /** Base URL, from the gateway's "listening on" line. */
  url: string;
  pid: number;
  /** Resolves when the process exits (it never rejects). */
  exited: Promise<ProcessExit>;
  /** The end of what it wrote to stdout and stderr, for failure messages. */
  output(): string;
  /** SIGKILL unless it has exited already; for cleanup after a failed test. */
  kill(): Promise<void>;
}

/** Fails the test early, with a clear message, when `npm run build` has not been run. */
export function assertBuilt(): void {
  if (!existsSync(path.join(ROOT, 'dist/cli/index.js'))) throw new Error('dist/ is not built: run "npm run build" before this test');
}

/** Starts `gatehouse start --config configPath`; resolves once it is listening, rejects if it exits or stalls first. */
export function spawnGateway(configPath: string, options: { env?: NodeJS.ProcessEnv; startTimeoutMs?: number } = {}): Promise<GatewayProcess> {
  assertBuilt();
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/gatehouse.js'), 'start', '--config', configPath], {
    cwd: path.dirname(configPath),
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-KEPT_OUTPUT);
  };
  child.stdout?.on('data', keep);
  const exited = new Promise<ProcessExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const handle = (url: string): GatewayProcess => ({
    url,
    pid: child.pid ?? -1,
    exited,
    output: () => output,
    kill: () => killChild(child, exited),
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void killChild(child, exited);
      reject(new Error(`gatehouse did not start within ${options.startTimeoutMs ?? 30_000} ms:\n${output}`));
    }, options.startTimeoutMs ?? 30_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      keep(chunk);
      const match = /gatehouse listening on (\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(handle(match[1]));
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`gatehouse exited before listening (code ${code}, signal ${signal}):\n${output}`));
    });
  });
}

async function killChild(child: ChildProcess, exited: Promise<ProcessExit>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGKILL');
  await exited;
}
