/** Which URLs belong to the console, for the app's hooks (which run on every request: plain string tests only). */

export const CONSOLE_PREFIX = '/ui/';
export const CONSOLE_ASSETS_PREFIX = '/ui/assets/';

/** `/ui`, `/ui?…` and everything under `/ui/`. */
export function isConsolePath(url: string): boolean {
  return url.startsWith(CONSOLE_PREFIX) || url === '/ui' || url.startsWith('/ui?');
}

/**
 * A console URL that may answer with the app's page, and so needs the caller's principal (to send a signed-out
 * browser to sign-in). Hashed assets are public, like any static file, and need no session lookup.
 */
export function isConsolePage(url: string): boolean {
  return isConsolePath(url) && !url.startsWith(CONSOLE_ASSETS_PREFIX);
}
