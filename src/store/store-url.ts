import path from 'node:path';

export type StoreDialect = 'sqlite' | 'postgres';

/** Where the store lives, parsed from `storage.url`. */
export type StoreLocation =
  | { dialect: 'sqlite'; /** An absolute file path, or `:memory:`. */ filename: string }
  | { dialect: 'postgres'; connectionString: string };

/**
 * Parses `sqlite:PATH` (relative to `cwd`), `sqlite::memory:`, `postgres://…` or `postgresql://…`. A Postgres
 * URL is passed to pg untouched, so its query parameters work as in libpq, e.g. `?sslmode=require` or
 * `?options=-c%20search_path%3Dmy_schema`.
 */
export function parseStoreUrl(url: string, cwd: string = process.cwd()): StoreLocation {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    return { dialect: 'postgres', connectionString: url };
  }
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    if (file === '') throw new Error('storage url "sqlite:" names no file: use sqlite:PATH or sqlite::memory:');
    return { dialect: 'sqlite', filename: file === ':memory:' ? file : path.resolve(cwd, file) };
  }
  // Only the scheme is echoed: the rest of a URL may hold a password.
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? '(none)';
  throw new Error(`storage url has unsupported scheme ${scheme}: expected sqlite:PATH, sqlite::memory: or postgres://…`);
}
