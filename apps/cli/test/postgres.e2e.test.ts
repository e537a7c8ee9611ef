// The whole path with the gateway on PostgreSQL, as `slab serve --store postgres://…` runs it: the
// pinned Temporal dev server, the orchestrator, a replay trainer worker process streaming metric
// frames over websocket/protobuf, and a real Postgres (scripts/postgres.sh) holding every row.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient } from '@slab/api';
import { openStore } from '@slab/store';
import { createTestDatabase, stopTestPostgres } from '@slab/store/testing';
import { startStack, type Stack } from '../src/stack';
import { isContiguous, waitForPhase } from './helpers';

const specPath = fileURLToPath(new URL('../../../examples/replay-chinchilla.yaml', import.meta.url));

let dir: string;
let url: string;
let stack: Stack;
let client: GatewayClient;

beforeAll(async () => {
  url = await createTestDatabase('slab_e2e');
  dir = mkdtempSync(join(tmpdir(), 'slab-pg-e2e-'));
  stack = await startStack({ stateDir: dir, store: url, gatewayPort: 0, workers: [{ queue: 'cpu', plugins: ['replay'] }], log: () => undefined });
  client = new GatewayClient(stack.gatewayUrl, stack.token);
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
  stopTestPostgres();
}, 60_000);

describe('a sweep with the gateway on Postgres', () => {
  it('runs examples/replay-chinchilla.yaml (8 trials) to the end; trials, contiguous frames, points and fits are in Postgres', async () => {
    // The example with a budget of 8 trials (its 8 seed runs): every write path, in a fraction of the time.
    const yaml = readFileSync(specPath, 'utf8').replace('trials: 48', 'trials: 8');
    const { id } = await client.createSweep(yaml);
    const status = await waitForPhase(client, id, 300_000);
    expect(status.phase).toBe('completed');
    expect(status.trials.completed).toBeGreaterThanOrEqual(4);

    // Read back through a second connection to the same database, not through the gateway.
    const store = await openStore(url);
    let stored: string[];
    try {
      const trials = await store.listTrials(id);
      expect(trials).toHaveLength(status.trials.completed);
      stored = trials.map((t) => t.id).sort();
      for (const t of trials) {
        expect(t.status).toBe('completed');
        const events = await store.trialEvents(t.id);
        const metrics = await store.trialMetrics(t.id, { name: 'eval_loss' });
        expect(metrics.length, `eval_loss points of ${t.id}`).toBeGreaterThan(0);
        // Every stored seq, frames and events together, is 1..lastSeq with no gap.
        const seqs = [...new Set([...(await store.trialMetrics(t.id)).map((r) => r.seq), ...events.map((e) => e.seq)])].sort((a, b) => a - b);
        expect(isContiguous(seqs), `seqs of ${t.id}`).toBe(true);
        expect(t.lastSeq).toBe(seqs.at(-1));
      }
      const fits = await store.listFits(id);
      expect(fits.length).toBeGreaterThan(0);
      expect(fits.at(-1)!.summary.law).toBe('chinchilla');
      expect((await store.getSweep(id))?.status).toBe('completed');
    } finally {
      await store.close();
    }
    // The API answers from the same rows.
    expect((await client.trials(id)).map((t) => t.id).sort()).toEqual(stored);
    const csv = await client.exportSweep(id, 'csv');
    expect(csv.trim().split('\n')).toHaveLength(status.trials.completed + 1);
  }, 420_000);
});
