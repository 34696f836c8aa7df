/**
 * Loads the configuration file: YAML → `${VAR}` interpolation → schema validation. Every problem in the file is
 * collected into one ConfigError rather than stopping at the first, so one run shows everything to fix.
 */
import { readFile } from 'node:fs/promises';
import { parseDocument, type YAMLError } from 'yaml';
import { ConfigError, type ConfigIssue, formatPath, isWithin } from './errors.js';
import { interpolate, shieldReferences, unshieldReferences } from './interpolate.js';
import { configSchema, type GatehouseConfig } from './schema.js';
import { type PathSegment, scalarKinds, schemaAt } from './schema-shape.js';
import { configIssues, validationMessages } from './zod-issues.js';

export async function loadConfig(path: string, env: NodeJS.ProcessEnv = process.env): Promise<GatehouseConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ConfigError(path, [{ path, message }], { header: `Cannot read configuration file ${path}:`, cause: error });
  }
  return parseConfig(text, env, path);
}

/** Parses and validates configuration text; `source` names it in error messages. Throws ConfigError. */
export function parseConfig(text: string, env: NodeJS.ProcessEnv = process.env, source = '<string>'): GatehouseConfig {
  const tree = dropEmptyValues(parseYaml(text, source));
  const interpolation = interpolate(tree, env, typeForSchema);
  const interpolationIssues = interpolation.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));

  // An empty file (or one holding only comments) is the empty mapping: every default applies.
  const result = configSchema.safeParse(interpolation.value ?? {}, { error: validationMessages });
  // A value whose variable is missing was replaced by "", so whatever the schema says about it is noise.
  const schemaIssues = result.success
    ? []
    : configIssues(result.error.issues, configSchema).filter((issue) => !interpolationIssues.some((failed) => isWithin(issue.path, failed.path)));

  const issues = [...interpolationIssues, ...schemaIssues];
  if (!result.success || issues.length > 0) throw new ConfigError(source, issues);
  return result.data;
}

function parseYaml(text: string, source: string): unknown {
  // logLevel 'error' keeps the library from printing warnings itself; they are reported as issues below.
  const document = parseDocument(shieldReferences(text), { prettyErrors: true, uniqueKeys: true, logLevel: 'error' });
  const problems = [...document.errors, ...document.warnings];
  if (problems.length > 0) throw new ConfigError(source, problems.map(syntaxIssue));
  try {
    return document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // An alias to an undefined anchor, or an alias explosion ("billion laughs"), surfaces only here.
    const message = error instanceof Error ? error.message : String(error);
    throw new ConfigError(source, [{ path: '(file)', message }], { cause: error });
  }
}

const SYNTAX_MESSAGES: Partial<Record<string, string>> = {
  DUPLICATE_KEY: 'duplicate key',
  MULTIPLE_DOCS: 'the file must hold a single YAML document (found a second "---")',
};

function syntaxIssue(error: YAMLError): ConfigIssue {
  // With prettyErrors the library appends " at line L, column C:" and a source excerpt; the issue carries those.
  const message = SYNTAX_MESSAGES[error.code] ?? unshieldReferences(error.message.replace(/ at line \d+, column \d+:[\s\S]*$/, ''));
  const position = error.linePos?.[0];
  if (!position) return { path: '(file)', message };
  return { path: `line ${position.line}, column ${position.col}`, message, line: position.line, column: position.col };
}

/**
 * A key written with no value (`server:` with everything under it commented out) counts as absent, so it takes
 * its default instead of failing as "expected a mapping, got an empty value". Nulls inside lists are kept.
 */
function dropEmptyValues(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropEmptyValues);
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const entries = Object.entries(value).filter(([, item]) => item !== null);
  return Object.fromEntries(entries.map(([key, item]) => [key, dropEmptyValues(item)]));
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Environment variables are always text. When a value is exactly one reference (`retries: ${RETRIES}`) and the
 * schema accepts a number or a boolean there but not a string, the text is converted ("3" → 3, "true" → true).
 * Anywhere a string is accepted, the text stays a string, so an API key of "12345" is never turned into a number.
 * Text that does not convert is left as it is, and the schema reports it with its path.
 */
function typeForSchema(path: readonly PathSegment[], text: string): unknown {
  const schema = schemaAt(configSchema, path);
  if (schema === undefined) return text;
  const kinds = scalarKinds(schema);
  if (kinds.has('string')) return text;
  if (kinds.has('number') && NUMBER.test(text)) return Number(text);
  if (kinds.has('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}
