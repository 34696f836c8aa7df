/**
 * A Redis of the test's own: a `redis-server` child process on a local port, without persistence, that a test may
 * kill (SIGKILL, as a crash) and start again on the same port. The shared Redis (TEST_REDIS_URL) is never stopped;
 * outage tests use one of these instead.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Socket } from 'node:net';

const BINARY = 'redis-server';
const START_TIMEOUT_MS = 10_000;

/** Whether `redis-server` can be run here (CI machines have it; elsewhere tests say why they are skipped). */
export function redisServerInstalled(): boolean {
  const probe = spawnSync(BINARY, ['--version'], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
}

export interface RedisServerProcess {
  url: string;
  port: number;
  pid: number;
  /** SIGKILL: the server vanishes mid-conversation, as in a crash; resolves once the process is gone. */
  kill(): Promise<void>;
}

/** Starts `redis-server` on 127.0.0.1:`port`; resolves once it accepts connections. */
export async function startRedisServer(port: number): Promise<RedisServerProcess> {
  const child = spawn(BINARY, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawnFailed = once(child, 'error').then(([error]) => {
    throw new Error(`${BINARY} could not be started: ${(error as Error).message}`);
  });
  try {
    await Promise.race([untilAccepting(port, child), spawnFailed]);
  } catch (error) {
    await killProcess(child, exited);
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return { url: `redis://127.0.0.1:${port}`, port, pid: child.pid ?? -1, kill: () => killProcess(child, exited) };
}

async function untilAccepting(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${BINARY} exited with code ${child.exitCode}`);
    if (await answersPing(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${BINARY} did not accept connections on port ${port} within ${START_TIMEOUT_MS} ms`);
}

/** One inline PING; true when the server answers PONG (not merely when the port is open). */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
  });
}

async function killProcess(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGKILL');
  await exited;
}
