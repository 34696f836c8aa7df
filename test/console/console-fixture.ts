/**
 * The console routes in a small Fastify app shaped like the gateway's where it matters: a principal on each
 * request (a stand-in header names a signed-in person), errors and 404s rendered by the shared renderer. The
 * built console is a temp folder the test fills.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerConsoleRoutes } from '../../src/console/routes.js';
import { GatehouseError } from '../../src/errors.js';
import { ANONYMOUS, type Principal } from '../../src/identity/principal.js';
import { dialectOfPath, renderError, toGatehouseError } from '../../src/server/error-response.js';

export const INDEX_HTML = '<!doctype html><html><head><script type="module" src="/ui/assets/index-AbC123.js"></script></head><body><div id="app"></div></body></html>';
export const ASSET_JS = 'console.log("console")';

const alice: Principal = { ...ANONYMOUS, authenticated: true, authMethod: 'session', subject: 'alice' };

export interface ConsoleApp {
  app: FastifyInstance;
  dir: string;
  warnings: Array<{ message: string; fields: object }>;
  /** Writes the files of a build (index.html, one asset, one icon) into the folder. */
  build(): void;
  close(): Promise<void>;
}

export async function startConsoleApp(options: { built: boolean }): Promise<ConsoleApp> {
  const root = mkdtempSync(path.join(tmpdir(), 'gatehouse-console-'));
  const dir = path.join(root, 'dist', 'ui');
  // Something a path traversal could reach: a file next to the console folder.
  writeFileSync(path.join(root, 'dist', '..', 'package.json'), '{"name":"secret-neighbour"}');
  const build = () => {
    mkdirSync(path.join(dir, 'assets'), { recursive: true });
    writeFileSync(path.join(dir, 'index.html'), INDEX_HTML);
    writeFileSync(path.join(dir, 'assets', 'index-AbC123.js'), ASSET_JS);
    writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  };
  mkdirSync(dir, { recursive: true });
  if (options.built) build();
  const warnings: ConsoleApp['warnings'] = [];
  const app = Fastify();
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (req) => {
    req.principal = req.headers['x-test-signed-in'] === 'alice' ? alice : ANONYMOUS;
  });
  app.setErrorHandler((error, req, reply) => {
    const rendered = renderError(toGatehouseError(error), dialectOfPath(req.url), req.id);
    return reply.code(rendered.status).headers(rendered.headers).send(rendered.body);
  });
  app.setNotFoundHandler((req, reply) => {
    const rendered = renderError(new GatehouseError('GH_ERR_NOT_FOUND'), dialectOfPath(req.url), req.id);
    return reply.code(rendered.status).headers(rendered.headers).send(rendered.body);
  });
  registerConsoleRoutes(app, { dir, logger: { warn: (fields: object, message: string) => void warnings.push({ message, fields }) } as never });
  await app.ready();
  return {
    app,
    dir,
    warnings,
    build,
    async close() {
      await app.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
