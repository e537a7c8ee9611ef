/**
 * Memory of one GET /api/sweeps/:id/metrics over a large sweep: the streamed answer (pages of
 * `metricsPageRows`) against building the whole answer at once (what the route did before),
 * measured interleaved A,B,A,B. Peak heap and RSS above a post-GC baseline, sampled every 5 ms.
 * Run: `node --expose-gc --import tsx scripts/bench-metrics-dump.ts [points=1000000] [rounds=2]`.
 * Measured on a shared 2-core machine (load ~12), 1M points, 108 MB of JSON: streamed peak heap
 * +37 MB (the client's buffers included), whole +298 MB heap / +358 MB RSS before it is even sent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway } from '../src/index';

const total = Number(process.argv[2] ?? 1_000_000);
const rounds = Number(process.argv[3] ?? 2);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const dir = mkdtempSync(join(tmpdir(), 'slab-dump-'));
const gw = await startGateway({ dbPath: join(dir, 'dump.db'), token: 't', log: () => undefined });
await gw.store.createSweep({ id: 'big', name: 'big', specYaml: 'name: big' });
const trials = 100;
const perTrial = Math.ceil(total / trials);
const t0 = performance.now();
for (let t = 0; t < trials; t++) {
  const trialId = `big-t${String(t).padStart(4, '0')}`;
  for (let seq = 1, step = 0; step < perTrial; seq++) {
    const points = [];
    for (let i = 0; i < 1000 && step < perTrial; i++, step++) points.push({ step, name: 'train_loss', value: 1 / (step + 1), wallTime: 1.7e9 + step });
    await gw.store.appendFrame({ sweepId: 'big', trialId, seq, points });
  }
}
console.log(`stored ${trials * perTrial} points in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

async function peakDuring(work: (sample: () => void) => Promise<number>): Promise<{ heapMB: number; rssMB: number; bytes: number; seconds: number }> {
  gc!();
  await new Promise((r) => setTimeout(r, 50));
  gc!();
  const base = process.memoryUsage();
  let heap = 0;
  let rss = 0;
  const sample = (): void => {
    const m = process.memoryUsage();
    heap = Math.max(heap, m.heapUsed - base.heapUsed);
    rss = Math.max(rss, m.rss - base.rss);
  };
  // Timer samples cover asynchronous work; synchronous work samples itself between its steps.
  const timer = setInterval(sample, 5);
  const start = performance.now();
  const bytes = await work(sample);
  const seconds = (performance.now() - start) / 1000;
  clearInterval(timer);
  return { heapMB: heap / 2 ** 20, rssMB: rss / 2 ** 20, bytes, seconds };
}

/** A: the route as it is (streamed); the client reads and discards chunks. */
const streamed = () =>
  peakDuring(async () => {
    const res = await fetch(`${gw.url}/api/sweeps/big/metrics`);
    let bytes = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
    return bytes;
  });
/** B: the whole answer built in memory, as the route did before it streamed. */
const whole = () =>
  peakDuring(async (sample) => {
    const rows = await gw.store.sweepMetrics('big');
    sample();
    const text = JSON.stringify(rows);
    sample();
    return Buffer.byteLength(text);
  });

const results: Record<string, { heapMB: number; rssMB: number; bytes: number; seconds: number }[]> = { streamed: [], whole: [] };
for (let r = 0; r < rounds; r++) {
  results.streamed.push(await streamed());
  results.whole.push(await whole());
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [name, rs] of Object.entries(results)) {
  console.log(
    `${name}: ${rs[0].bytes} bytes; peak heap +${median(rs.map((x) => x.heapMB)).toFixed(0)} MB, peak RSS +${median(rs.map((x) => x.rssMB)).toFixed(0)} MB, ` +
      `${median(rs.map((x) => x.seconds)).toFixed(2)} s (median of ${rs.length}; rounds: ${rs.map((x) => x.heapMB.toFixed(0)).join(', ')} MB heap)`,
  );
}
await gw.close();
rmSync(dir, { recursive: true, force: true });
