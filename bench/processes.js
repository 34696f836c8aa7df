/**
 * The bench's child processes (mock upstream, gateway): start them, optionally pin them to a CPU, wait until they
 * serve, and make sure every one of them is gone when the bench ends, whether it finishes, fails or is interrupted.
 */
import { execFileSync, fork, spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();

/** Kill whatever is still running when this process exits, however it exits. */
export function killChildrenOnExit() {
  process.on('exit', () => {
    for (const child of children) child.kill('SIGKILL');
  });
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
    process.on(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping child processes\n`);
      process.exit(130); // the exit handler above kills them
    });
  }
}

/** @param {import('node:child_process').ChildProcess} child */
function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/**
 * Pin a process and all its threads to the given CPUs (Linux `taskset`). Returns false when that is not possible.
 * @param {number} pid
 * @param {string} cpus e.g. "0" or "0,1"
 */
export function pinToCpus(pid, cpus) {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  await new Promise((resolve) => server.close(() => resolve(undefined)));
  if (typeof address !== 'object' || !address) throw new Error('could not find a free port');
  return address.port;
}

/**
 * Fork one of the bench's own servers (mock upstream, reference proxy), which reports `{ port }` over IPC once
 * listening; resolve with its base URL and process.
 * @param {string} script File name under bench/.
 * @param {Record<string, string>} env Added to this process's environment.
 */
export async function startForked(script, env) {
  const child = track(fork(join(ROOT, 'bench', script), [], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }));
  const port = await new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(/** @type {{ port: number }} */ (message).port));
    child.once('exit', (code) => reject(new Error(`${script} exited early (code ${code})`)));
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

/**
 * Start `gatehouse start --config FILE` and wait until /readyz answers 200. Its stdout (the JSON log) and stderr
 * go to files in `dir`, so logging costs what it costs writing to a file, and a failed start can be explained.
 * @param {{ configPath: string, port: number, dir: string, nodeFlags: string[] }} options
 */
export async function startGateway(options) {
  const logPath = join(options.dir, 'gateway.log');
  const errPath = join(options.dir, 'gateway.stderr');
  const out = openSync(logPath, 'a');
  const err = openSync(errPath, 'a');
  const child = track(spawn(process.execPath, [...options.nodeFlags, join(ROOT, 'bin', 'gatehouse.js'), 'start', '--config', options.configPath], { cwd: options.dir, stdio: ['ignore', out, err] }));
  closeSync(out);
  closeSync(err);
  const url = `http://127.0.0.1:${options.port}`;
  try {
    await waitReady(`${url}/readyz`, child, 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    const stderr = readFileSync(errPath, 'utf8').trim().split('\n').slice(-10).join('\n');
    throw new Error(`${/** @type {Error} */ (error).message}\n--- gateway stderr ---\n${stderr}`);
  }
  return { child, url, logPath };
}

/**
 * @param {string} url
 * @param {import('node:child_process').ChildProcess} child
 * @param {number} timeoutMs
 */
async function waitReady(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the gateway exited before it was ready (code ${child.exitCode ?? child.signalCode})`);
    try {
      const response = await request(url, { headersTimeout: 1000, bodyTimeout: 1000 });
      await response.body.dump();
      if (response.statusCode === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`the gateway was not ready within ${timeoutMs} ms`);
}

/**
 * Stop a child with SIGTERM (the gateway flushes its usage records and, under --cpu-prof, writes its profile),
 * falling back to SIGKILL.
 * @param {import('node:child_process').ChildProcess} child
 * @param {number} graceMs
 */
export async function stopChild(child, graceMs = 10_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = sleep(graceMs).then(() => 'timeout');
  if ((await Promise.race([exited, timer])) === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}
