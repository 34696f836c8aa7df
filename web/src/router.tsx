/**
 * Client-side routes under /ui/: the path after /ui is the page. Links are real <a href> elements (so they open
 * in a new tab, can be focused and copied); a plain click is turned into a history push instead of a page load.
 */
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/ui';
const NAVIGATED = 'gatehouse:navigated';

/** The console path of a browser path: `/ui/keys` → `/keys`, `/ui/` → `/`. */
export function consolePath(pathname: string): string {
  if (!pathname.startsWith(BASE)) return '/';
  const rest = pathname.slice(BASE.length).replace(/\/+$/, '');
  return rest === '' ? '/' : rest;
}

export function href(path: string): string {
  return path === '/' ? `${BASE}/` : `${BASE}${path}`;
}

export function navigate(path: string): void {
  window.history.pushState(null, '', href(path));
  window.dispatchEvent(new Event(NAVIGATED));
}

/** The current console path, updated on links, back and forward. */
export function usePath(): string {
  const [path, setPath] = useState(() => consolePath(window.location.pathname));
  useEffect(() => {
    const update = () => setPath(consolePath(window.location.pathname));
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATED, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATED, update);
    };
  }, []);
  return path;
}

type LinkProps = Omit<JSX.HTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string; children: ComponentChildren };

export function Link({ to, children, ...rest }: LinkProps) {
  const onClick = (event: MouseEvent) => {
    // Let the browser handle new-tab and download gestures.
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a {...rest} href={href(to)} onClick={onClick}>
      {children}
    </a>
  );
}
