/** Loading, error and empty states, the same on every page; errors say in words what the API said. */
import type { ComponentChildren } from 'preact';
import type { Resource } from '../lib/use-resource.js';

export function Loading({ what }: { what: string }) {
  return (
    <p class="state loading" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function ErrorNotice({ error, retry }: { error: Error; retry?: () => void }) {
  return (
    <div class="state error" role="alert">
      <p>{error.message}</p>
      {retry && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="state empty">{children}</p>;
}

/** Renders `children(data)` once loaded, the loading or error state before that. */
export function Loaded<T>({ resource, what, children }: { resource: Resource<T>; what: string; children: (data: T) => ComponentChildren }) {
  if (resource.state === 'loading') return <Loading what={what} />;
  if (resource.state === 'failed') return <ErrorNotice error={resource.error} retry={resource.reload} />;
  return <>{children(resource.data)}</>;
}
