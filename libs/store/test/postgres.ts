/**
 * A real PostgreSQL for tests (import from `@slab/store/testing`). One server per test process,
 * started by scripts/postgres.sh in a temporary directory with fsync off (its data are thrown away),
 * or the server at $SLAB_TEST_POSTGRES (a postgres:// URL whose role may CREATE DATABASE); a fresh
 * database per caller; the server this process started is stopped when the process exits or when
 * `stopTestPostgres()` is called.
 *
 * `testStoreUrl(sqlitePath)` is the one factory every store-using test goes through: the SQLite
 * path as given, or, with SLAB_TEST_STORE=postgres in the environment, a fresh Postgres database — so
 * the same suite runs on either store.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const SCRIPT = fileURLToPath(new URL('../../../scripts/postgres.sh', import.meta.url));

let server: { url: string; dir?: string } | undefined;
let databases = 0;

/** The URL of this process's test server (started on first use). */
export function testPostgresServer(): string {
  if (server) return server.url;
  const shared = process.env.SLAB_TEST_POSTGRES;
  if (shared) {
    if (!/^postgres(ql)?:\/\//.test(shared)) throw new Error(`SLAB_TEST_POSTGRES: expected a postgres:// URL, got ${JSON.stringify(shared)}`);
    server = { url: shared };
    return shared;
  }
  const dir = mkdtempSync(join(tmpdir(), 'slab-pg-'));
  try {
    const url = execFileSync('bash', [SCRIPT, 'start', dir], {
      encoding: 'utf8',
      env: { ...process.env, SLAB_POSTGRES_OPTS: '-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300' },
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
    server = { url, dir };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`test Postgres did not start (scripts/postgres.sh): ${(err as { stderr?: string }).stderr ?? String(err)}`);
  }
  process.once('exit', stopTestPostgres);
  // A test runner may end its worker processes with a signal, which skips 'exit' handlers: a
  // detached watchdog stops the server once this process is gone, whatever way it went.
  spawn('bash', ['-c', 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; bash "$2" stop "$3"; rm -rf "$3"', 'watchdog', String(process.pid), SCRIPT, dir], {
    detached: true,
    stdio: 'ignore',
  }).unref();
  return server.url;
}

/** Creates an empty database on the test server and returns its URL. */
export async function createTestDatabase(prefix = 'slab_test'): Promise<string> {
  const base = new URL(testPostgresServer());
  const name = databaseName(prefix);
  const admin = new pg.Client({ connectionString: base.href });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  base.pathname = `/${name}`;
  return base.href;
}

/**
 * As createTestDatabase, synchronously (psql from the server's own binaries), for helpers that
 * hand out a store location without awaiting.
 */
export function createTestDatabaseSync(prefix = 'slab_test'): string {
  const base = new URL(testPostgresServer());
  const name = databaseName(prefix);
  execFileSync(psqlBin(), [base.href, '-v', 'ON_ERROR_STOP=1', '-qc', `CREATE DATABASE ${name}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  base.pathname = `/${name}`;
  return base.href;
}

/**
 * The SQLite path as given, or a fresh Postgres database when SLAB_TEST_STORE=postgres: for sync helpers.
 */
export function testStoreUrlSync(sqlitePath = ':memory:'): string {
  return testsUsePostgres() ? createTestDatabaseSync() : sqlitePath;
}

function psqlBin(): string {
  const versions = readdirSync('/usr/lib/postgresql').filter((v) => existsSync(`/usr/lib/postgresql/${v}/bin/psql`));
  versions.sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error('psql: expected PostgreSQL binaries under /usr/lib/postgresql/<version>/bin (bash scripts/setup.sh installs them)');
  return `/usr/lib/postgresql/${versions[0]}/bin/psql`;
}

function databaseName(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${databases++}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

/** True when the tests run on Postgres (SLAB_TEST_STORE=postgres). */
export function testsUsePostgres(): boolean {
  return /^postgres/.test(process.env.SLAB_TEST_STORE ?? '');
}

/**
 * The store URL a test should use: `sqlitePath` (a file or ':memory:'), or a fresh Postgres
 * database when SLAB_TEST_STORE=postgres.
 */
export async function testStoreUrl(sqlitePath = ':memory:'): Promise<string> {
  return testsUsePostgres() ? createTestDatabase() : sqlitePath;
}

/** Stops the server this process started (synchronously: also safe in an exit handler). */
export function stopTestPostgres(): void {
  const s = server;
  server = undefined;
  if (!s?.dir) return;
  try {
    execFileSync('bash', [SCRIPT, 'stop', s.dir], { stdio: 'ignore' });
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
}
