/**
 * Headless Chromium (Debian's, driven by playwright-core) for the console tests: signing a demo user in through
 * the console's own redirect, collecting everything the page reports as wrong (console errors, uncaught
 * exceptions, Content-Security-Policy violations), and saving screenshots for the docs.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM);
/** CI installs Chromium; there a missing browser is a failure, elsewhere a skip. */
export const browserRequired = Boolean(process.env.CI);

/**
 * Every run saves its screenshots to test-results/screenshots/ (not tracked); `UPDATE_SCREENSHOTS=1 npm test`
 * writes them to docs/screenshots/, where the README and docs/console.md show them.
 */
const SCREENSHOTS = fileURLToPath(new URL(process.env.UPDATE_SCREENSHOTS ? '../../docs/screenshots/' : '../../test-results/screenshots/', import.meta.url));

export function launchChromium(): Promise<Browser> {
  if (!chromiumAvailable) throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium package for the browser tests`);
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

export interface ConsolePage {
  context: BrowserContext;
  page: Page;
  /** Console errors, uncaught exceptions and CSP violations seen since the page was opened. */
  problems: string[];
}

/**
 * Opens `consolePath` in a fresh context as a signed-out browser, follows the console's redirect to the demo IdP,
 * signs in and waits until the console is back on `consolePath`. Problems are watched from the first load; those
 * of the signed-out visit (the expected 401 of /.gatehouse/me) are dropped once the IdP's form shows.
 */
export async function signInToConsole(browser: Browser, baseUrl: string, user: { username: string; password: string }, consolePath = '/ui/', viewport = { width: 1280, height: 860 }): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport, permissions: ['clipboard-read', 'clipboard-write'] });
  const problems: string[] = [];
  // Chromium reports CSP violations as console errors too; the event catches any it reports only as an event.
  await context.exposeFunction('reportCspViolation', (text: string) => problems.push(`csp: ${text}`));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      (window as unknown as { reportCspViolation(text: string): void }).reportCspViolation(`${event.violatedDirective} blocked ${event.blockedURI}`);
    });
  });
  const page = await context.newPage();
  watchProblems(page, problems);
  await page.goto(`${baseUrl}${consolePath}`);
  await page.waitForSelector('input[name="username"]');
  problems.length = 0;
  await page.fill('input[name="username"]', user.username);
  await page.fill('input[name="password"]', user.password);
  await Promise.all([page.waitForURL(`${baseUrl}${consolePath}`), page.click('button[type="submit"]')]);
  await page.waitForSelector('nav[aria-label="Console"]');
  return { context, page, problems };
}

/** Collects the page's console errors and uncaught exceptions into `problems`. */
export function watchProblems(page: Page, problems: string[]): void {
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()} (${page.url()})`);
  });
  page.on('pageerror', (error) => problems.push(`exception: ${error.message} (${page.url()})`));
}

/** Goes to a console page by its navigation link, as a person would, and waits for its heading. */
export async function openPage(page: Page, linkText: string, heading: string): Promise<void> {
  await page.click(`nav[aria-label="Console"] >> text="${linkText}"`);
  await page.waitForSelector(`h1:has-text("${heading}")`);
}

/** Saves <name>.png of the window, or of the whole page (overwritten on every run). */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), animations: 'disabled', fullPage: options.fullPage ?? false });
}
