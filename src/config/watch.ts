/**
 * Hot reload: re-reads the configuration file on SIGHUP, when the file changes, or on demand. A file that fails
 * to load goes to `onError` and nothing else happens, so the running configuration stays in force.
 *
 * The caller loads the configuration once at start (loadConfig) and then calls watchConfig; watching starts from
 * that moment. Every successful reload calls `onChange`, even if the content did not change.
 *
 * close() stops the automatic triggers (file events, SIGHUP) and discards the outcome of a reload in progress, so
 * nothing is applied to a gateway that is shutting down. reload() keeps working after close(), for a caller that
 * wants manual reloads only.
 */
import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import { loadConfig } from './load.js';
import type { GatehouseConfig } from './schema.js';

export interface WatchConfigOptions {
  onChange: (config: GatehouseConfig) => void | Promise<void>;
  /** A reload failed: a ConfigError for an invalid file, or whatever onChange threw. */
  onError: (error: unknown) => void;
  env?: NodeJS.ProcessEnv;
  /** Quiet time after the last file event before reloading; editors save in bursts of events. */
  debounceMs?: number;
}

export interface ConfigWatcher {
  /**
   * Reloads now; resolves once this reload (and any it had to wait for) has finished. Failures go to onError;
   * the promise rejects only if onError itself throws.
   */
  reload(): Promise<void>;
  /** Stops watching and listening for SIGHUP; a reload already running will not call onChange or onError. */
  close(): void;
}

export function watchConfig(path: string, options: WatchConfigOptions): ConfigWatcher {
  const debounceMs = options.debounceMs ?? 100;
  let closed = false;
  /** Bumped by close(): a reload that started under an older generation drops its outcome. */
  let generation = 0;
  let timer: NodeJS.Timeout | undefined;

  const reload = serialised(async () => {
    const started = generation;
    let config: GatehouseConfig;
    try {
      config = await loadConfig(path, options.env ?? process.env);
    } catch (error) {
      if (started === generation) options.onError(error);
      return;
    }
    if (started !== generation) return;
    try {
      await options.onChange(config);
    } catch (error) {
      options.onError(error);
    }
  });

  const onSignal = (): void => void reload();
  const onFileEvent = (_event: string, filename: string | null): void => {
    // Some platforms do not report the name; then any event in the directory may be ours.
    if (closed || (filename !== null && filename !== basename(path))) return;
    clearTimeout(timer);
    timer = setTimeout(onSignal, debounceMs);
    timer.unref();
  };

  // The directory, not the file: editors and config-management tools save by writing a new file and renaming it
  // over the old one, after which a watch on the old file would see nothing more.
  const watcher: FSWatcher = watch(dirname(path), { persistent: false }, onFileEvent);
  watcher.on('error', (error) => {
    if (!closed) options.onError(error);
  });
  process.on('SIGHUP', onSignal);

  return {
    reload,
    close() {
      closed = true;
      generation += 1;
      clearTimeout(timer);
      watcher.close();
      process.off('SIGHUP', onSignal);
    },
  };
}

/**
 * Runs `task` one at a time. A call made while a run is in progress waits for it and then runs once more, so the
 * newest file is always the one read last; any number of calls during one run share that single follow-up run.
 */
function serialised(task: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  const start = (): Promise<void> => {
    const run = task().finally(() => {
      if (running === run) running = undefined;
    });
    running = run;
    return run;
  };
  return () => {
    if (queued) return queued;
    if (!running) return start();
    const next = (): Promise<void> => {
      queued = undefined;
      return start();
    };
    queued = running.then(next, next);
    return queued;
  };
}
