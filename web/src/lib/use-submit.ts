import { useState } from 'preact/hooks';

/** A form action's state: busy while running, its error (the API's message) when it failed. */
export function useSubmit(action: () => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(caught instanceof Error ? caught : new Error(String(caught)));
    } finally {
      setBusy(false);
    }
  };
  const handle = (event: Event) => {
    event.preventDefault();
    void run();
  };
  return { busy, error, run, handle };
}
