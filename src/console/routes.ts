/**
 * The web console, a single-page app served from its built files (`dist/ui/`):
 *   GET /                 redirect to /ui/
 *   GET /ui               redirect to /ui/
 *   GET /ui/assets/*      hashed, immutable assets (cached for a year); public, like any static file
 *   GET /ui/<file.ext>    other top-level files of the build (icons), revalidated on every use
 *   GET /ui/, /ui/*       the app's page for every client-side route (`/ui/audit`, …), revalidated on every
 *                         use; a signed-out browser is sent to sign-in and back, other signed-out callers get 401
 * A console that has not been built answers 503 with a page that says so (logged once, then checked again on
 * each visit, so building it needs no restart). Paths are checked before any file is touched: `..`, backslashes,
 * NUL and anything outside a plain file-name alphabet never reach the file system.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireSignedIn } from '../identity/routes/sign-in.js';
import type { Logger } from '../observability/logger.js';
import { defaultConsoleDir } from './console-dir.js';
import { CONSOLE_PREFIX, isConsolePath } from './paths.js';
import { setConsoleSecurityHeaders } from './security-headers.js';
import { UNBUILT_CONSOLE_PAGE } from './unbuilt-page.js';

export interface ConsoleRoutesDeps {
  /** The built console; default `dist/ui/` of this package. */
  dir?: string;
  logger: Pick<Logger, 'warn'>;
}

const ONE_YEAR_MS = 365 * 24 * 3_600_000;
/** One path segment of a built file: starts with a letter or digit, so never `.`, `..` or a dotfile. */
const FILE_SEGMENT = '[A-Za-z0-9][A-Za-z0-9._-]{0,199}';
const ASSET_PATH = new RegExp(`^${FILE_SEGMENT}(?:/${FILE_SEGMENT}){0,4}$`);
/** A top-level file has an extension; a client-side route (`audit`, `keys/new`) has none. */
const TOP_LEVEL_FILE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}(?:\.[A-Za-z0-9_-]{1,20})+$/;

export function registerConsoleRoutes(app: FastifyInstance, deps: ConsoleRoutesDeps): void {
  const dir = path.resolve(deps.dir ?? defaultConsoleDir());
  const indexFile = path.join(dir, 'index.html');
  let reportedUnbuilt = false;

  app.addHook('onRequest', async (req, reply) => {
    if (isConsolePath(req.url)) setConsoleSecurityHeaders(reply);
  });

  app.get('/', (_req, reply) => reply.header('cache-control', 'no-store').redirect(CONSOLE_PREFIX, 302));
  app.get('/ui', (req, reply) => {
    const query = req.url.indexOf('?');
    return reply.header('cache-control', 'no-store').redirect(CONSOLE_PREFIX + (query === -1 ? '' : req.url.slice(query)), 302);
  });

  const sendPage = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    if (!requireSignedIn(req, reply)) return reply;
    if (!(await isFile(indexFile))) {
      if (!reportedUnbuilt) deps.logger.warn({ dir }, 'the web console is not built (run npm run build): /ui/ answers 503');
      reportedUnbuilt = true;
      return reply.code(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(UNBUILT_CONSOLE_PAGE);
    }
    reportedUnbuilt = false;
    return reply.header('cache-control', 'no-cache').sendFile('index.html', dir, { cacheControl: false });
  };

  void app.register(async (scope) => {
    // Only reply.sendFile, in this scope: the routes below decide what may be served.
    await scope.register(fastifyStatic, { serve: false, decorateReply: true });

    scope.get<{ Params: { '*': string } }>('/ui/assets/*', (req, reply) => {
      const file = req.params['*'];
      if (!ASSET_PATH.test(file)) return reply.callNotFound();
      return reply.sendFile(`assets/${file}`, dir, { cacheControl: true, maxAge: ONE_YEAR_MS, immutable: true });
    });

    scope.get('/ui/', sendPage);
    scope.get<{ Params: { '*': string } }>('/ui/*', (req, reply) => {
      const rest = req.params['*'];
      if (hasUnsafePart(rest)) return reply.callNotFound();
      if (rest === 'index.html' || !TOP_LEVEL_FILE.test(rest)) return sendPage(req, reply);
      return reply.header('cache-control', 'no-cache').sendFile(rest, dir, { cacheControl: false });
    });
  });
}

/** Segments that could climb out of the folder or that file systems read differently; never needed by a route. */
function hasUnsafePart(rest: string): boolean {
  return rest.includes('\\') || rest.includes('\0') || rest.split('/').some((segment) => segment === '..' || segment === '.');
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
