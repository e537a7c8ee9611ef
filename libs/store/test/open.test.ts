// Choosing a store by URL, and what only a shared database shows: migrations run once however many
// gateways open it, and two writers of one trial at once are serialized by the trial row's lock.
import type { MetricFrame } from '@slab/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeStore, IngestRefused, openStore, parseStoreUrl } from '../src/index';
import { createTestDatabase } from './postgres';
import { startTestStores, stopTestStores } from './stores';

beforeAll(startTestStores, 120_000);
afterAll(stopTestStores);

describe('store URLs', () => {
  it('tells SQLite paths from postgres URLs and names the field of a bad one', () => {
    expect(parseStoreUrl('/var/lib/slab/slab.sqlite')).toEqual({ kind: 'sqlite', path: '/var/lib/slab/slab.sqlite' });
    expect(parseStoreUrl('sqlite:rel/slab.db')).toEqual({ kind: 'sqlite', path: 'rel/slab.db' });
    expect(parseStoreUrl(':memory:')).toEqual({ kind: 'sqlite', path: ':memory:' });
    expect(parseStoreUrl('postgresql://u:pw@db:5432/slab')).toEqual({ kind: 'postgres', url: 'postgresql://u:pw@db:5432/slab' });
    expect(() => parseStoreUrl('', '--store')).toThrow(/^--store: expected a SQLite file path, sqlite:<path>, :memory: or postgres:/);
    expect(() => parseStoreUrl('postgres', 'SLAB_STORE')).toThrow(/^SLAB_STORE: expected .* postgres:\/\/user@host:port\/database, got "postgres"$/);
    expect(() => parseStoreUrl('sqlite:', 'SLAB_STORE')).toThrow('SLAB_STORE: expected a path after "sqlite:", got "sqlite:"');
    expect(() => parseStoreUrl('mysql://u:secret@db/slab', '--store')).toThrow(/^--store: .*unsupported scheme/);
    expect(() => parseStoreUrl('mysql://u:secret@db/slab')).not.toThrow(/secret/);
    expect(describeStore('postgres://u:secret@db:5432/slab')).toBe('postgres://u:***@db:5432/slab');
  });

  it('reports an unreachable Postgres with its redacted address', async () => {
    // Port 1 on loopback: nothing listens there.
    await expect(openStore('postgres://u:secret@127.0.0.1:1/slab')).rejects.toThrow(/^store: cannot open the Postgres database at postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/slab: /);
  });
});

describe('a shared Postgres database', () => {
  it('migrates once when several gateways open it at the same time', async () => {
    const url = await createTestDatabase();
    const stores = await Promise.all([openStore(url), openStore(url), openStore(url)]);
    try {
      await stores[0].createSweep({ id: 'sw1', name: 'one', specYaml: 'x' });
      expect((await stores[2].listSweeps()).map((s) => s.id)).toEqual(['sw1']);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('serializes two writers of one trial: each frame stored once, a superseded attempt refused, the mark contiguous', async () => {
    const url = await createTestDatabase();
    const [a, b] = await Promise.all([openStore(url), openStore(url)]);
    try {
      await a.createSweep({ id: 'sw1', name: 'one', specYaml: 'x' });
      const frame = (seq: number, attempt: number): MetricFrame => ({
        sweepId: 'sw1',
        trialId: 'sw1-t0000',
        seq,
        attempt,
        points: [{ step: seq, name: 'loss', value: 1 / seq, wallTime: seq }],
      });
      // The same 40 frames through both connections at once, as two gateways would receive resends.
      const writes = Array.from({ length: 40 }, (_, i) => i + 1).flatMap((seq) => [a.appendFrame(frame(seq, 1)), b.appendFrame(frame(seq, 1))]);
      const results = await Promise.all(writes);
      expect(results.filter((r) => r.stored)).toHaveLength(40);
      expect(results.flatMap((r) => r.newPoints)).toHaveLength(40);
      expect(await b.lastContiguousSeq('sw1-t0000')).toBe(40);
      // A new attempt takes the trial over on one connection; the old one is then refused on the other.
      expect(await a.openTrial({ sweepId: 'sw1', trialId: 'sw1-t0000', attempt: 2 })).toBe(40);
      await expect(b.appendFrame(frame(41, 1))).rejects.toBeInstanceOf(IngestRefused);
      expect((await a.trialMetrics('sw1-t0000')).map((r) => r.step)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
