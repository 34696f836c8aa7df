/**
 * The one error configuration loading throws: every problem found, each tied to the config path (or YAML line)
 * it is about, so an operator can fix a whole file in one pass instead of one error per restart.
 */
import type { PathSegment } from './schema-shape.js';

export interface ConfigIssue {
  /** Where: `models[2].deployments[0].provider`, `server.listen`, or `line 3, column 7` for YAML syntax errors. */
  path: string;
  message: string;
  /** 1-based position in the file, for YAML syntax errors. */
  line?: number;
  column?: number;
}

export interface ConfigErrorOptions {
  /** First line of the message; defaults to `Invalid configuration in <source>:`. */
  header?: string;
  cause?: unknown;
}

export class ConfigError extends Error {
  /** The file name (or `<string>`) the configuration came from. */
  readonly source: string;
  readonly issues: readonly ConfigIssue[];

  constructor(source: string, issues: readonly ConfigIssue[], options: ConfigErrorOptions = {}) {
    const header = options.header ?? `Invalid configuration in ${source}:`;
    const lines = issues.map((issue) => `  ${issue.path}: ${issue.message}`);
    super([header, ...lines].join('\n'), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConfigError';
    this.source = source;
    this.issues = issues;
  }
}

/** A key that reads unambiguously after a dot; anything else (a provider called `eu.west`) is written `["eu.west"]`. */
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `['models', 2, 'deployments', 0, 'provider']` → `models[2].deployments[0].provider`; the root is `(root)`. */
export function formatPath(path: readonly PathSegment[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text === '' ? '(root)' : text;
}

/** True when `path` is `prefix` or lies inside it (`a.b[0]` is inside `a.b`, `a.bc` is not). */
export function isWithin(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}
