import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminOpenApiDocument, type OpenApiDocument } from '../../src/admin/openapi.js';
import { ADMIN_KEY, bearer, JWT_ALICE, startAdminApp, type AdminApp } from './app-fixture.js';

let fx: AdminApp;
beforeAll(async () => {
  fx = await startAdminApp();
});
afterAll(() => fx?.close());

/** `METHOD /path/{param}` of every route Fastify has under /admin/api/ (HEAD is Fastify's own twin of GET). */
function registeredAdminRoutes(printed: string): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of printed.split('\n')) {
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    const path = (stack[depth - 1] ?? '') + match[2]!;
    stack.push(path);
    if (!path.startsWith('/admin/api/') || !match[3]) continue;
    for (const method of match[3].split(', ')) if (method !== 'HEAD') routes.push(`${method} ${path.replace(/:(\w+)/g, '{$1}')}`);
  }
  return routes;
}

function documentedRoutes(document: OpenApiDocument): string[] {
  return Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
}

describe('OpenAPI document of the admin API', () => {
  it('documents every route registered under /admin/api/', () => {
    const registered = registeredAdminRoutes(fx.app.printRoutes({ commonPrefix: false }));
    // The parser must see the routes this app is known to have, or the check below proves nothing.
    expect(registered).toEqual(expect.arrayContaining(['POST /admin/api/keys/{id}/revoke', 'DELETE /admin/api/teams/{id}/members/{subject}', 'PATCH /admin/api/users/{subject}', 'GET /admin/api/audit']));
    const documented = new Set(documentedRoutes(adminOpenApiDocument()));
    expect(registered.filter((route) => !documented.has(route))).toEqual([]);
  });

  it('documents no route the app does not have', () => {
    const missing = documentedRoutes(adminOpenApiDocument()).filter((route) => {
      const [method, path] = route.split(' ') as [string, string];
      return !fx.app.hasRoute({ method, url: path.replace(/\{(\w+)\}/g, ':$1') });
    });
    expect(missing).toEqual([]);
  });

  it('is OpenAPI 3.1 whose references all resolve, with path parameters, errors and the CSRF header', () => {
    const document = adminOpenApiDocument();
    expect(document.openapi).toBe('3.1.0');
    const text = JSON.stringify(document);
    for (const [, kind, name] of text.matchAll(/"\$ref":"#\/components\/(\w+)\/(\w+)"/g)) {
      expect((document.components as Record<string, Record<string, unknown>>)[kind!]?.[name!], `${kind}/${name}`).toBeDefined();
    }
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item) as Array<[string, { parameters?: Array<{ name?: string; in?: string; $ref?: string }>; responses: Record<string, unknown> }]>) {
        const pathParams = (operation.parameters ?? []).filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name);
        expect(pathParams, `${method} ${path}`).toEqual([...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]));
        expect(operation.responses['401'], `${method} ${path}`).toBeDefined();
        const csrf = (operation.parameters ?? []).some((parameter) => parameter.$ref === '#/components/parameters/Csrf');
        expect(csrf, `${method} ${path}`).toBe(method !== 'get');
      }
    }
    expect(Object.keys((document.components as { securitySchemes: object }).securitySchemes)).toEqual(['bearer', 'apiKey', 'session']);
  });

  it('describes bodies with the schemas the routes validate with', () => {
    const schemas = (adminOpenApiDocument().components as { schemas: Record<string, { required?: string[]; additionalProperties?: unknown; properties?: Record<string, unknown> }> }).schemas;
    expect(schemas.TeamCreate).toMatchObject({ required: ['id'], additionalProperties: false });
    expect(schemas.TeamCreate!.properties!.limits).toEqual({ type: 'array', maxItems: 20, items: { $ref: '#/components/schemas/Limit' } });
    expect(schemas.Budget!.properties!.period).toMatchObject({ enum: ['day', 'week', 'month', 'total'] });
    expect(Object.keys(schemas.User!.properties!)).toContain('blocked_reason');
    expect(schemas.PolicyExplainRequest).toMatchObject({ required: ['principal', 'model'] });
    const listUsers = adminOpenApiDocument().paths['/admin/api/users']!.get as { parameters: Array<{ name: string; description?: string }> };
    expect(listUsers.parameters.map((parameter) => parameter.name)).toEqual(['team', 'blocked', 'email', 'cursor', 'limit']);
    expect(listUsers.parameters.find((parameter) => parameter.name === 'email')?.description).toContain('case-insensitive');
  });
});

describe('documentation routes', () => {
  it('serve any authenticated caller and refuse anonymous ones', async () => {
    for (const url of ['/admin/api/openapi.json', '/admin/api/docs']) {
      expect((await fx.app.inject({ url })).statusCode).toBe(401);
      for (const headers of [bearer(ADMIN_KEY), bearer(JWT_ALICE)]) expect((await fx.app.inject({ url, headers })).statusCode, url).toBe(200);
    }
    const json = await fx.app.inject({ url: '/admin/api/openapi.json', headers: bearer(JWT_ALICE) });
    expect(json.json()).toEqual(adminOpenApiDocument());
  });

  it('renders every operation into one page with no script, under a CSP that allows only its own style', async () => {
    const response = await fx.app.inject({ url: '/admin/api/docs', headers: bearer(JWT_ALICE) });
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = response.body;
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!json-schema)/i);
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const hash = createHash('sha256').update(style).digest('base64');
    expect(response.headers['content-security-policy']).toBe(`default-src 'none'; style-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`);
    for (const route of documentedRoutes(adminOpenApiDocument())) {
      const [method, path] = route.split(' ') as [string, string];
      expect(html, route).toContain(`${method}</span>${path}</h3>`);
    }
    // Parameters, bodies as types with links to schemas, and responses are all there.
    expect(html).toContain('<code>email</code></td><td>query</td>');
    expect(html).toContain('<a href="#schema-TeamCreate">TeamCreate</a>');
    expect(html).toContain('<section id="schema-Limit">');
    expect(html).toContain('period: &#34;day&#34; | &#34;week&#34; | &#34;month&#34; | &#34;total&#34;;');
  });
});
