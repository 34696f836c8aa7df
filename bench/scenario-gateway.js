/**
 * One scenario's gateway: its setup, its config and store in a folder of its own, its process, the headers its
 * requests carry, a check that it answers them, and taking all of it down again. The config and store outlive the
 * process, so the same gateway (with the same virtual keys) can be started again, e.g. under --cpu-prof.
 */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { mergeConfig, writeGatewayConfig } from './gateway-config.js';
import { freePort, pinToCpus, startGateway, stopChild } from './processes.js';
import { ADMIN_HEADERS, requestBody } from './scenarios.js';

export const CHAT_PATH = '/v1/chat/completions';

/**
 * @typedef {import('./scenarios.js').Scenario} Scenario
 * @typedef {object} GatewayPlace Where and how the scenario's gateways run.
 * @property {string} parentDir The bench's temp folder.
 * @property {string} mockUrl Base URL of the mock upstream.
 * @property {string} logLevel The gateway's logging.level.
 * @property {string | undefined} cpus CPUs to pin the gateway to, or undefined for no pinning.
 */

export class ScenarioGateway {
  /**
   * Run the scenario's setup, write its config, start its gateway and check that it serves the scenario's
   * requests. On failure whatever was started is stopped again.
   * @param {Scenario} scenario
   * @param {GatewayPlace} place
   */
  static async start(scenario, place) {
    const dir = mkdtempSync(join(place.parentDir, `${scenario.name}-`));
    const prepared = scenario.setup ? await scenario.setup({ dir }) : {};
    /** @type {ScenarioGateway | undefined} */
    let gateway;
    try {
      const port = await freePort();
      const inputs = { port, upstreamUrl: `${place.mockUrl}/v1`, dir, logLevel: place.logLevel };
      const configPath = writeGatewayConfig(inputs, mergeConfig(scenario.gateway, prepared.gateway ?? {}));
      gateway = new ScenarioGateway(scenario, configPath, port, dir, place.cpus, prepared.teardown);
      await gateway.launch([]);
      const extra = prepared.headers ? await prepared.headers({ url: gateway.url, adminHeaders: ADMIN_HEADERS }) : {};
      gateway.headers = { ...scenario.headers, ...extra };
      await gateway.checkServes();
      return gateway;
    } catch (error) {
      await (gateway ? gateway.release() : prepared.teardown?.());
      throw error;
    }
  }

  /**
   * @param {Scenario} scenario
   * @param {string} configPath
   * @param {number} port
   * @param {string} dir
   * @param {string | undefined} cpus
   * @param {(() => Promise<void>) | undefined} teardown
   */
  constructor(scenario, configPath, port, dir, cpus, teardown) {
    this.scenario = scenario;
    this.configPath = configPath;
    this.dir = dir;
    this.url = `http://127.0.0.1:${port}`;
    this.port = port;
    this.cpus = cpus;
    this.teardown = teardown;
    /** @type {Record<string, string>} */
    this.headers = { ...scenario.headers };
    /** @type {import('node:child_process').ChildProcess | undefined} */
    this.child = undefined;
  }

  /**
   * Start the gateway process (again), on the same port, config and store.
   * @param {string[]} nodeFlags
   */
  async launch(nodeFlags) {
    const { child } = await startGateway({ configPath: this.configPath, port: this.port, dir: this.dir, nodeFlags });
    this.child = child;
    if (this.cpus !== undefined) pinToCpus(/** @type {number} */ (child.pid), this.cpus);
  }

  /** Stop the process (SIGTERM: it flushes usage and audit records, and writes a CPU profile when asked to). */
  async stop() {
    if (this.child) await stopChild(this.child);
    this.child = undefined;
  }

  /** Stop the process and whatever the scenario's setup started. */
  async release() {
    await this.stop();
    const teardown = this.teardown;
    this.teardown = undefined;
    await teardown?.();
  }

  /** One request of each kind must succeed: a scenario that answers 401 or 403 would measure refusals. */
  async checkServes() {
    for (const stream of [false, true]) {
      const response = await request(this.url + CHAT_PATH, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...this.headers },
        body: JSON.stringify(requestBody(stream)),
      });
      const text = await response.body.text();
      if (response.statusCode !== 200) throw new Error(`scenario ${this.scenario.name}: the gateway answered ${response.statusCode} to a ${stream ? 'streamed' : 'JSON'} request: ${text.slice(0, 500)}`);
    }
  }
}
