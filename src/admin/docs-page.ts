/**
 * The OpenAPI document rendered on the server as one HTML page: every operation with its parameters, body and
 * responses, and every schema as a compact type. No script and nothing fetched from elsewhere, so the page is
 * served under a Content-Security-Policy that allows only its own stylesheet (by hash).
 */
import { createHash } from 'node:crypto';

type Json = Record<string, unknown>;

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:980px;padding:1rem 2rem;color:#1d232b}
h1{margin-bottom:.2rem}h2{border-bottom:1px solid #d7dce2;padding-bottom:.2rem;margin-top:2.5rem}
section{border:1px solid #d7dce2;border-radius:6px;padding:.6rem 1rem;margin:1rem 0}
h3{margin:.2rem 0;font-size:1rem;font-family:ui-monospace,monospace}
.m{display:inline-block;min-width:4.5em;text-align:center;border-radius:4px;color:#fff;font-size:.8rem;padding:0 .4em;margin-right:.5em}
.get{background:#2f6fb3}.post{background:#2f8a4a}.patch{background:#a46a12}.delete{background:#b3392f}
table{border-collapse:collapse;width:100%;margin:.4rem 0}td,th{border-bottom:1px solid #eceff3;text-align:left;padding:.2rem .5rem;vertical-align:top}
pre{background:#f5f7f9;padding:.5rem .8rem;border-radius:4px;overflow-x:auto;font-size:.85rem}code{font-family:ui-monospace,monospace}
.note{color:#59636e}ul.toc{columns:2;list-style:none;padding:0}a{color:#2f6fb3}`;

export const DOCS_PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

const METHODS = ['get', 'post', 'patch', 'put', 'delete'] as const;

interface Operation {
  method: string;
  path: string;
  spec: Json;
}

export function docsPage(document: Json): string {
  const info = document.info as Json;
  const components = document.components as { schemas: Record<string, Json>; parameters: Record<string, Json>; responses: Record<string, Json>; securitySchemes: Record<string, Json> };
  const operations = operationsOf(document.paths as Record<string, Json>);
  const context: RenderContext = { components };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(String(info.title))}</title><style>${STYLE}</style></head><body>
<h1>${esc(String(info.title))}</h1><p class="note">${esc(String(info.description ?? ''))} OpenAPI ${esc(String(document.openapi))}: <a href="openapi.json">openapi.json</a>.</p>
<h2>Authentication</h2><table>${Object.entries(components.securitySchemes).map(([name, scheme]) => `<tr><th>${esc(name)}</th><td>${esc(securityText(scheme))}</td></tr>`).join('')}</table>
<h2>Routes</h2><ul class="toc">${operations.map((op) => `<li><a href="#${anchor(op)}"><span class="m ${op.method}">${op.method.toUpperCase()}</span><code>${esc(op.path)}</code></a></li>`).join('')}</ul>
${operations.map((op) => operationHtml(op, context)).join('\n')}
<h2>Schemas</h2>
${Object.entries(components.schemas).map(([name, schema]) => `<section id="schema-${esc(name)}"><h3>${esc(name)}</h3>${schema.description ? `<p>${esc(String(schema.description))}</p>` : ''}<pre>${typeHtml(schema, '')}</pre></section>`).join('\n')}
</body></html>
`;
}

interface RenderContext {
  components: { schemas: Record<string, Json>; parameters: Record<string, Json>; responses: Record<string, Json> };
}

function operationsOf(paths: Record<string, Json>): Operation[] {
  return Object.entries(paths).flatMap(([path, item]) => METHODS.filter((method) => item[method]).map((method) => ({ method, path, spec: item[method] as Json })));
}

function operationHtml(op: Operation, context: RenderContext): string {
  const { spec } = op;
  const parameters = ((spec.parameters as Json[] | undefined) ?? []).map((parameter) => resolve(parameter, context.components.parameters));
  const body = ((spec.requestBody as Json | undefined)?.content as Record<string, Json> | undefined)?.['application/json']?.schema as Json | undefined;
  const access = typeof spec['x-access'] === 'string' ? spec['x-access'] : 'administrators';
  return `<section id="${anchor(op)}"><h3><span class="m ${op.method}">${op.method.toUpperCase()}</span>${esc(op.path)}</h3>
<p><strong>${esc(String(spec.summary))}</strong>${spec.description ? ` ${esc(String(spec.description))}` : ''} <span class="note">(${esc(access)})</span></p>
${parameters.length ? `<table><tr><th>Parameter</th><th>In</th><th>Type</th><th>Notes</th></tr>${parameters.map(parameterRow).join('')}</table>` : ''}
${body ? bodyHtml(body, context) : ''}
<table><tr><th>Status</th><th>Response</th></tr>${Object.entries(spec.responses as Record<string, Json>).map(([status, response]) => responseRow(status, resolve(response, context.components.responses))).join('')}</table></section>`;
}

/** A body is shown in full where it is used, with a link to its named schema. */
function bodyHtml(body: Json, context: RenderContext): string {
  const resolved = resolve(body, context.components.schemas);
  return `<p>Body (JSON${resolved === body ? '' : `, ${typeHtml(body, '')}`}):</p><pre>${typeHtml(resolved, '')}</pre>`;
}

function parameterRow(parameter: Json): string {
  const required = parameter.required === true ? 'required' : 'optional';
  return `<tr><td><code>${esc(String(parameter.name))}</code></td><td>${esc(String(parameter.in))}</td><td><code>${typeHtml(parameter.schema as Json, '')}</code></td><td>${required}${parameter.description ? `: ${esc(String(parameter.description))}` : ''}</td></tr>`;
}

function responseRow(status: string, response: Json): string {
  const schema = ((response.content as Record<string, Json> | undefined)?.['application/json']?.schema as Json | undefined);
  return `<tr><td>${esc(status)}</td><td>${esc(String(response.description ?? ''))}${schema ? ` <code>${typeHtml(schema, '')}</code>` : ''}</td></tr>`;
}

/** A `$ref` to `#/components/<kind>/<name>`, followed one level. */
function resolve(value: Json, table: Record<string, Json>): Json {
  const target = typeof value.$ref === 'string' ? value.$ref.split('/').at(-1) : undefined;
  return target !== undefined && table[target] ? table[target] : value;
}

/** A schema as a TypeScript-like type, escaped, with links to named schemas. */
function typeHtml(schema: Json, indent: string): string {
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.split('/').at(-1)!;
    return `<a href="#schema-${esc(name)}">${esc(name)}</a>`;
  }
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Json[]).map((part) => typeHtml(part, indent)).join(' | ');
  if (Array.isArray(schema.enum)) return schema.enum.map((value) => esc(JSON.stringify(value))).join(' | ');
  if (schema.const !== undefined) return esc(JSON.stringify(schema.const));
  if (schema.type === 'array') {
    const item = typeHtml((schema.items as Json | undefined) ?? {}, indent);
    return item.includes(' | ') ? `(${item})[]` : `${item}[]`;
  }
  if (schema.type === 'object' || schema.properties) return objectHtml(schema, indent);
  return `${esc(typeof schema.type === 'string' ? schema.type : 'any')}${constraintText(schema)}`;
}

function objectHtml(schema: Json, indent: string): string {
  const properties = Object.entries((schema.properties as Record<string, Json> | undefined) ?? {});
  if (properties.length === 0) {
    const values = schema.additionalProperties;
    return `{ [key: string]: ${values && typeof values === 'object' && Object.keys(values).length > 0 ? typeHtml(values as Json, indent) : 'any'} }`;
  }
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const inner = `${indent}  `;
  const lines = properties.map(([name, property]) => {
    const note = typeof property.description === 'string' ? `  <span class="note">// ${esc(property.description)}</span>` : '';
    return `${inner}${esc(name)}${required.has(name) ? '' : '?'}: ${typeHtml(property, inner)};${note}`;
  });
  return `{\n${lines.join('\n')}\n${indent}}`;
}

function constraintText(schema: Json): string {
  const parts: string[] = [];
  if (typeof schema.format === 'string') parts.push(schema.format);
  if (typeof schema.minLength === 'number' || typeof schema.maxLength === 'number') parts.push(`${schema.minLength ?? 0}–${schema.maxLength ?? '∞'} chars`);
  if (typeof schema.exclusiveMinimum === 'number') parts.push(`> ${schema.exclusiveMinimum}`);
  if (typeof schema.minimum === 'number') parts.push(`≥ ${schema.minimum}`);
  if (typeof schema.maximum === 'number' && schema.maximum < Number.MAX_SAFE_INTEGER) parts.push(`≤ ${schema.maximum}`);
  if (typeof schema.pattern === 'string' && schema.format === undefined) parts.push(`matching ${schema.pattern}`);
  return parts.length ? ` <span class="note">(${esc(parts.join(', '))})</span>` : '';
}

function securityText(scheme: Json): string {
  const where = scheme.type === 'http' ? `Authorization: Bearer …` : `${String(scheme.in)} ${String(scheme.name)}`;
  return `${where}. ${String(scheme.description ?? '')}`;
}

function anchor(op: Operation): string {
  return `op-${op.method}-${op.path.replace(/[^a-z0-9]+/gi, '-')}`;
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
