/**
 * Ingest throughput: N trials × P points through MetricEmitter → websocket → gateway → SQLite (WAL)
 * on a temp file. Run: `npx tsx scripts/bench-ingest.ts [trials=4] [pointsPerTrial=50000]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetricEmitter } from '@slab/worker-sdk';
import { startGateway } from '../src/index';

const trials = Number(process.argv[2] ?? 4);
const perTrial = Number(process.argv[3] ?? 50_000);
const dir = mkdtempSync(join(tmpdir(), 'slab-bench-'));
const gw = await startGateway({ dbPath: join(dir, 'bench.db'), token: 't', log: () => undefined });
await gw.store.createSweep({ id: 'bench', name: 'bench', specYaml: 'name: bench' }); // frames of unknown sweeps are refused
const emitter = new MetricEmitter({ url: gw.wsUrl, token: 't', workerId: 'bench' });
const t0 = performance.now();
const streams = Array.from({ length: trials }, (_, i) => emitter.openTrial('bench', `bench-t${String(i).padStart(4, '0')}`, 1));
let emitNs = 0;
for (let step = 0; step < perTrial; step++) {
  const e0 = process.hrtime.bigint();
  for (const s of streams) s.point(step, 'train_loss', Math.random());
  emitNs += Number(process.hrtime.bigint() - e0);
  if (step % 5000 === 4999) await new Promise((r) => setImmediate(r)); // let the socket drain, as a training loop would
}
await Promise.all(streams.map((s) => s.flush(120_000)));
const seconds = (performance.now() - t0) / 1000;
const total = trials * perTrial;
console.log(
  `${total} points in ${seconds.toFixed(2)} s: ${(total / seconds).toFixed(0)} points/s stored and acked; ` +
    `point() costs ${(emitNs / total).toFixed(0)} ns on average`,
);
await emitter.close();
await gw.close();
rmSync(dir, { recursive: true, force: true });
