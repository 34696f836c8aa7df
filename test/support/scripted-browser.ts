/**
 * A scripted browser for sign-in tests: undici fetch with manual redirects and a cookie jar per origin. It
 * follows redirects as a browser would (303 turns a POST into a GET), and can stop at a URL instead of fetching
 * it (the CLI's loopback callback, the IdP's end-session page).
 */
import { fetch } from 'undici';

export interface Visit {
  status: number;
  url: string;
  headers: Headers;
  body: string;
  /** Every URL fetched on the way, in order. */
  chain: string[];
}

export class ScriptedBrowser {
  /** origin → name → value */
  readonly jar = new Map<string, Map<string, string>>();

  cookie(origin: string, name: string): string | undefined {
    return this.jar.get(new URL(origin).origin)?.get(name);
  }

  setCookie(origin: string, name: string, value: string): void {
    const key = new URL(origin).origin;
    if (!this.jar.has(key)) this.jar.set(key, new Map());
    this.jar.get(key)!.set(name, value);
  }

  /** One request, no redirect followed. */
  async request(url: string, init: { method?: string; form?: Record<string, string>; accept?: string } = {}): Promise<Visit> {
    const origin = new URL(url).origin;
    const headers: Record<string, string> = { accept: init.accept ?? 'text/html,application/xhtml+xml,*/*;q=0.8' };
    const cookies = [...(this.jar.get(origin) ?? new Map<string, string>())].map(([name, value]) => `${name}=${value}`).join('; ');
    if (cookies) headers.cookie = cookies;
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(url, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    this.store(origin, response.headers.getSetCookie());
    return { status: response.status, url, headers: response.headers as unknown as Headers, body: await response.text(), chain: [url] };
  }

  /** Follows redirects until a non-redirect answer, or until `stopAt` matches the next URL (returned unfetched, status 0). */
  async visit(url: string, init: { method?: string; form?: Record<string, string>; accept?: string; stopAt?: (url: string) => boolean } = {}): Promise<Visit> {
    const chain: string[] = [];
    let next = url;
    let options: { method?: string; form?: Record<string, string>; accept?: string } = init;
    for (let hop = 0; hop < 20; hop++) {
      if (init.stopAt?.(next)) return { status: 0, url: next, headers: new Headers(), body: '', chain };
      const visit = await this.request(next, options);
      chain.push(next);
      const location = visit.headers.get('location');
      if (visit.status < 300 || visit.status >= 400 || !location) return { ...visit, chain };
      next = new URL(location, next).href;
      options = { ...(init.accept !== undefined && { accept: init.accept }) };
    }
    throw new Error(`too many redirects from ${url}`);
  }

  private store(origin: string, setCookies: string[]): void {
    if (!this.jar.has(origin)) this.jar.set(origin, new Map());
    const jar = this.jar.get(origin)!;
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';');
      const index = pair!.indexOf('=');
      const name = pair!.slice(0, index).trim();
      const value = pair!.slice(index + 1).trim();
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute)) || value === '';
      if (expired) jar.delete(name);
      else jar.set(name, value);
    }
  }
}

/** The action of the demo IdP's login form in `html`. */
export function loginFormAction(html: string, pageUrl: string): string {
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`no login form on ${pageUrl}: ${html.slice(0, 200)}`);
  return new URL(action.replaceAll('&amp;', '&'), pageUrl).href;
}
