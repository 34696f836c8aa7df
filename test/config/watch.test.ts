import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import type { GatehouseConfig } from '../../src/config/schema.js';
import { type ConfigWatcher, type WatchConfigOptions, watchConfig } from '../../src/config/watch.js';

const DEBOUNCE_MS = 50;

/** Records what a watcher reports and lets a test wait for the next report. */
class Recorder {
  readonly changes: GatehouseConfig[] = [];
  readonly errors: unknown[] = [];
  private waiters: Array<() => void> = [];

  readonly onChange = (config: GatehouseConfig): void => {
    this.changes.push(config);
    this.notify();
  };

  readonly onError = (error: unknown): void => {
    this.errors.push(error);
    this.notify();
  };

  /** Resolves once changes + errors reach `count`; fails after two seconds. */
  async until(count: number): Promise<void> {
    const deadline = Date.now() + 2000;
    while (this.changes.length + this.errors.length < count) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} reports (${this.changes.length} changes, ${this.errors.length} errors)`);
      await Promise.race([new Promise<void>((resolve) => this.waiters.push(resolve)), sleep(100)]);
    }
  }

  private notify(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}

const level = (name: string): string => `logging: { level: ${name} }\n`;

describe('watchConfig', () => {
  let dir: string;
  let file: string;
  let watcher: ConfigWatcher | undefined;
  let recorder: Recorder;

  const start = (extra: Partial<WatchConfigOptions> = {}): ConfigWatcher => {
    watcher = watchConfig(file, { onChange: recorder.onChange, onError: recorder.onError, env: {}, debounceMs: DEBOUNCE_MS, ...extra });
    return watcher;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gatehouse-watch-'));
    file = join(dir, 'gatehouse.yaml');
    await writeFile(file, level('info'));
    recorder = new Recorder();
  });

  afterEach(async () => {
    watcher?.close();
    watcher = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('calls onChange with the new configuration when the file is written', async () => {
    start();
    await writeFile(file, level('debug'));
    await recorder.until(1);
    expect(recorder.errors).toEqual([]);
    expect(recorder.changes.at(-1)?.logging.level).toBe('debug');
  });

  it('follows a save that replaces the file by rename', async () => {
    start();
    const temporary = join(dir, '.gatehouse.yaml.tmp');
    await writeFile(temporary, level('warn'));
    await rename(temporary, file);
    await recorder.until(1);
    expect(recorder.changes.at(-1)?.logging.level).toBe('warn');
  });

  it('calls onError, and not onChange, when the new file is invalid', async () => {
    start();
    await writeFile(file, level('loud'));
    await recorder.until(1);
    await sleep(DEBOUNCE_MS * 4);
    expect(recorder.changes).toEqual([]);
    expect(recorder.errors[0]).toBeInstanceOf(ConfigError);
    expect((recorder.errors[0] as ConfigError).issues[0]?.path).toBe('logging.level');
  });

  it('ignores other files in the directory', async () => {
    start();
    await writeFile(join(dir, 'other.yaml'), 'not: [valid');
    await sleep(DEBOUNCE_MS * 4);
    expect(recorder.changes).toEqual([]);
    expect(recorder.errors).toEqual([]);
  });

  it('reloads once for a burst of writes', async () => {
    start({ debounceMs: 200 });
    for (const name of ['warn', 'error', 'debug']) await writeFile(file, level(name));
    await recorder.until(1);
    await sleep(400);
    expect(recorder.changes.map((config) => config.logging.level)).toEqual(['debug']);
  });

  it('reloads on SIGHUP', async () => {
    const before = process.listenerCount('SIGHUP');
    start();
    expect(process.listenerCount('SIGHUP')).toBe(before + 1);
    process.kill(process.pid, 'SIGHUP');
    await recorder.until(1);
    expect(recorder.changes.at(-1)?.logging.level).toBe('info');
  });

  it('reloads on demand and resolves when done', async () => {
    const { reload } = start();
    await reload();
    expect(recorder.changes).toHaveLength(1);
  });

  it('reports an error thrown by onChange to onError', async () => {
    const failure = new Error('cannot apply');
    const { reload } = start({
      onChange: () => {
        throw failure;
      },
    });
    await reload();
    expect(recorder.errors).toEqual([failure]);
  });

  it('serialises concurrent reloads and folds the waiting ones into one', async () => {
    let active = 0;
    let mostActive = 0;
    let calls = 0;
    const { reload } = start({
      onChange: async () => {
        calls += 1;
        active += 1;
        mostActive = Math.max(mostActive, active);
        await sleep(30);
        active -= 1;
      },
    });
    await Promise.all([reload(), reload(), reload(), reload()]);
    expect(mostActive).toBe(1);
    expect(calls).toBe(2);
  });

  it('reads the newest file in the reload that follows a running one', async () => {
    const levels: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { reload } = start({
      onChange: async (config) => {
        levels.push(config.logging.level);
        await gate;
      },
    });
    const first = reload();
    await sleep(20);
    await writeFile(file, level('trace'));
    const second = reload();
    release();
    await Promise.all([first, second]);
    expect(levels.slice(0, 1)).toEqual(['info']);
    expect(levels.at(-1)).toBe('trace');
  });

  it('stops watching the file and SIGHUP on close', async () => {
    const before = process.listenerCount('SIGHUP');
    start().close();
    expect(process.listenerCount('SIGHUP')).toBe(before);
    await writeFile(file, level('debug'));
    process.emit('SIGHUP', 'SIGHUP');
    await sleep(DEBOUNCE_MS * 4);
    expect(recorder.changes).toEqual([]);
    expect(recorder.errors).toEqual([]);
  });

  it('drops the outcome of a reload that is running when closed', async () => {
    const { reload, close } = start();
    const running = reload();
    close();
    await running;
    expect(recorder.changes).toEqual([]);
  });

  it('still reloads on demand after close, for manual-only use', async () => {
    const { reload, close } = start();
    close();
    await writeFile(file, level('error'));
    await reload();
    expect(recorder.changes.map((config) => config.logging.level)).toEqual(['error']);
  });
});
