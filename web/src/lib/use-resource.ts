/**
 * Loads data for a page and tracks its state: loading, loaded or failed (with the API's message). `reload`
 * fetches again after a change, keeping the old data on screen until the new arrives; new inputs show the
 * loading state. An answer that arrives after the inputs changed (or the page closed) is dropped.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

type Loaded<T> = { state: 'loading' } | { state: 'failed'; error: Error } | { state: 'loaded'; data: T };
export type Resource<T> = Loaded<T> & { reload: () => void };

export function useResource<T>(load: () => Promise<T>, inputs: readonly unknown[]): Resource<T> {
  const [result, setResult] = useState<Loaded<T>>({ state: 'loading' });
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);
  const lastGeneration = useRef(generation);
  useEffect(() => {
    const ticket = ++latest.current;
    const isReload = lastGeneration.current !== generation;
    lastGeneration.current = generation;
    if (!isReload) setResult({ state: 'loading' });
    load().then(
      (data) => ticket === latest.current && setResult({ state: 'loaded', data }),
      (error: unknown) => ticket === latest.current && setResult({ state: 'failed', error: error instanceof Error ? error : new Error(String(error)) }),
    );
    return () => {
      latest.current += 1;
    };
    // The caller names the inputs; `load` is a fresh closure on every render and is deliberately not one.
  }, [...inputs, generation]);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { ...result, reload };
}
