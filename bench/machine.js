/** What the bench ran on, gathered at run time so every result carries its machine. */
import { readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * @typedef {object} Machine
 * @property {string} cpuModel
 * @property {number} cores Logical CPUs available to this process.
 * @property {string} node
 * @property {string} os
 * @property {number} memoryGiB
 * @property {number[]} loadAverage 1, 5 and 15 minute load averages when the bench started.
 */

/** @returns {Machine} */
export function describeMachine() {
  return {
    cpuModel: cpuModel(),
    cores: os.availableParallelism(),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100),
  };
}

function cpuModel() {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((candidate) => candidate.startsWith('model name'));
    if (line) return line.slice(line.indexOf(':') + 1).trim();
  } catch {
    // not Linux: fall through to what Node knows
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

/** @param {Machine} machine */
export function formatMachine(machine) {
  return `${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}`;
}

/**
 * A warning when something else was keeping the CPUs busy as the bench started: then it competes with the
 * processes under test (mostly with the gateway: see bench/README.md) and the ratios are not to be trusted.
 * @param {Machine} machine
 */
export function busyMachineWarning(machine) {
  const [oneMinute = 0] = machine.loadAverage;
  if (oneMinute < 0.5) return undefined;
  return `WARNING: load average ${machine.loadAverage.join(' ')} at start: other work is running on this machine and will distort the results`;
}
