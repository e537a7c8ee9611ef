/** Both stores for the store's own suite: each test gets an empty SQLite file or Postgres database. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, stopTestPostgres, testPostgresServer } from './postgres';

export const STORE_KINDS = ['sqlite', 'postgres'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

/** A store URL for a fresh, empty store of `kind`, and what removes it (the SQLite file). */
export async function testStore(kind: StoreKind): Promise<{ url: string; cleanup(): void }> {
  if (kind === 'postgres') return { url: await createTestDatabase(), cleanup: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'slab-store-'));
  return { url: join(dir, 'slab.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Starts this process's test Postgres (a few seconds; call in a beforeAll with a long timeout). */
export function startTestStores(): void {
  testPostgresServer();
}

/** Stops this process's test Postgres, if one was started. */
export function stopTestStores(): void {
  stopTestPostgres();
}
