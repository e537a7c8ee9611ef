/**
 * Choosing a store by URL: `postgres://…` (or `postgresql://…`) opens PostgreSQL, `sqlite:<path>`
 * or a plain path opens a SQLite file, `:memory:` a private in-memory SQLite database.
 */
import { openPostgresStore, redactUrl } from './postgres';
import { openSqliteStore } from './sqlite';
import type { Store } from './store';

export type StoreLocation = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

/**
 * Parses a store URL. `field` names the option in the error (e.g. "--store", "SLAB_STORE").
 * @throws Error naming `field` and the accepted forms, for an empty value, an unknown scheme or a
 *   malformed postgres URL
 */
export function parseStoreUrl(url: string, field = 'store'): StoreLocation {
  const forms = 'a SQLite file path, sqlite:<path>, :memory: or postgres://user@host:port/database';
  if (typeof url !== 'string' || url.trim() === '') throw new Error(`${field}: expected ${forms}, got ${JSON.stringify(url)}`);
  if (/^postgres(ql)?:\/\//i.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(`${field}: expected a valid postgres://user@host:port/database URL, got ${JSON.stringify(redactUrl(url))}`);
    }
    if (!parsed.hostname && !parsed.searchParams.get('host')) throw new Error(`${field}: expected a host in ${JSON.stringify(redactUrl(url))}`);
    return { kind: 'postgres', url };
  }
  // A bare scheme name is a URL left out, not a file to create.
  if (/^(postgres(ql)?|sqlite)$/i.test(url)) throw new Error(`${field}: expected ${forms}, got ${JSON.stringify(url)}`);
  if (/^sqlite:/i.test(url)) {
    const path = url.slice('sqlite:'.length);
    if (path === '') throw new Error(`${field}: expected a path after "sqlite:", got ${JSON.stringify(url)}`);
    return { kind: 'sqlite', path };
  }
  // Anything else with a scheme (mysql://, s3://) is a mistake, not a file name.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) throw new Error(`${field}: expected ${forms}, got the unsupported scheme in ${JSON.stringify(redactUrl(url))}`);
  return { kind: 'sqlite', path: url };
}

/** A store URL fit for logs and messages: the password of a postgres URL replaced. */
export function describeStore(url: string): string {
  const at = parseStoreUrl(url);
  return at.kind === 'postgres' ? redactUrl(at.url) : `sqlite:${at.path}`;
}

/**
 * Opens (creating and migrating) the store at `url` (forms: see parseStoreUrl).
 * @throws Error naming the field for a bad URL; for Postgres, when the server cannot be reached
 */
export async function openStore(url: string, opts: { field?: string } = {}): Promise<Store> {
  const at = parseStoreUrl(url, opts.field);
  return at.kind === 'postgres' ? openPostgresStore(at.url) : openSqliteStore(at.path);
}
