/**
 * bench/load: ingest throughput and console fan-out latency of the gateway under N concurrent emitters.
 *
 * The gateway runs in its own process (gateway.ts) on a fresh SQLite store. N MetricEmitters (the
 * trainer workers' client, default batching) each stream P points of one trial as fast as they can;
 * throughput is points acked by the gateway (stored) per second, from the first point to the last
 * ack. K console subscribers watch the sweep; every point carries its emit time (ms) as its value, so
 * fan-out latency = receive time − emit time (emitter batching, ingest, store, fan-out, decode).
 * Afterwards the store is counted: every (trial, step) exactly once, else the run reports it lost.
 *
 * Run: npx tsx bench/load/run.ts [--emitters 20] [--points 50000] [--subscribers 4] [--reps 3]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { MetricEmitter } from '@slab/worker-sdk';

const TOKEN = 'bench-load-token';
const here = fileURLToPath(new URL('.', import.meta.url));

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name}: expected a positive integer, got "${process.argv[i + 1]}"`);
  return v;
}

interface RepResult {
  emitters: number;
  pointsPerEmitter: number;
  subscribers: number;
  load1: number;
  seconds: number;
  ackedPerSecond: number;
  stored: number;
  lost: number;
  duplicated: number;
  /** Cores used (CPU s per wall s) by the emitters' process, the gateway and the subscribers' process. */
  cpu: { emitters: number; gateway: number; subscribers: number };
  /** Emit rate per emitter (points/s), or 0: as fast as possible. */
  pacedPerEmitter: number;
  fanout: { received: number; expected: number; p50Ms: number; p99Ms: number; maxMs: number; closed: (number | null)[] };
}

async function startGatewayProcess(db: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'gateway.ts'), db, TOKEN], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}`)));
  });
  const { wsUrl } = JSON.parse(line) as { url: string; wsUrl: string };
  const stop = () => new Promise<void>((r) => (child.once('exit', () => r()), child.kill('SIGTERM')));
  return { wsUrl, stop, cpuSeconds: () => cpuSecondsOf(child.pid!) };
}

/** CPU time (user + system, s) a live process has used so far, from /proc (clock ticks of 10 ms). */
function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The console subscribers' process (subscribers.ts): resolves once they all have their snapshot. */
async function startSubscribers(wsUrl: string, k: number, expected: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'subscribers.ts'), wsUrl, String(k), String(expected)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.value !== 'ready') throw new Error(`subscribers: expected "ready", got ${JSON.stringify(first.value)}`);
  return {
    cpuSeconds: () => cpuSecondsOf(child.pid!),
    async finish(): Promise<{ received: number; p50Ms: number; p99Ms: number; maxMs: number; closed: (number | null)[] }> {
      child.stdin!.write('done\n');
      const out = await lines.next();
      return JSON.parse(String(out.value));
    },
  };
}

async function rep(emitters: number, perEmitter: number, subscribers: number, pacedPerEmitter = 0): Promise<RepResult> {
  const dir = mkdtempSync(join(tmpdir(), 'slab-bench-load-'));
  const db = join(dir, 'slab.sqlite');
  const gw = await startGatewayProcess(db);
  try {
    const expected = emitters * perEmitter;
    const subs = await startSubscribers(gw.wsUrl, subscribers, expected);
    const clients = Array.from({ length: emitters }, (_, i) => new MetricEmitter({ url: gw.wsUrl, token: TOKEN, workerId: `bench-${i}`, log: () => undefined }));
    const load1 = loadavg()[0];
    const cpu0 = { bench: process.cpuUsage(), gateway: gw.cpuSeconds(), subscribers: subs.cpuSeconds() };
    const t0 = performance.now();
    await Promise.all(
      clients.map(async (e, i) => {
        const stream = e.openTrial('load', `load-t${String(i).padStart(4, '0')}`);
        // Chunks of 1000 points, yielding between them, as a trainer loop interleaves steps and I/O.
        // Paced: chunk c is due at t0 + c·1000/rate; unpaced: yield between chunks only.
        const chunk = pacedPerEmitter ? Math.max(1, Math.round(pacedPerEmitter / 20)) : 1000;
        for (let step = 0, c = 0; step < perEmitter; step += chunk, c++) {
          if (pacedPerEmitter) {
            const due = t0 + (c * chunk * 1000) / pacedPerEmitter - performance.now();
            if (due > 0) await new Promise((r) => setTimeout(r, due));
          }
          for (let s = step; s < Math.min(perEmitter, step + chunk); s++) stream.point(s, 'train_loss', Date.now());
          await new Promise((r) => setImmediate(r));
        }
        await stream.flush(600_000);
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const benchCpu = process.cpuUsage(cpu0.bench);
    // Share of one core each process used while the points were sent and acked: which side saturates.
    const cpu = {
      emitters: +((benchCpu.user + benchCpu.system) / 1e6 / seconds).toFixed(2),
      gateway: +((gw.cpuSeconds() - cpu0.gateway) / seconds).toFixed(2),
      subscribers: +((subs.cpuSeconds() - cpu0.subscribers) / seconds).toFixed(2),
    };
    const fanout = await subs.finish();
    await Promise.all(clients.map((c) => c.close()));
    const store = new Database(db, { readonly: true });
    const { n, d } = store.prepare("SELECT COUNT(*) AS n, COUNT(DISTINCT trial_id || ':' || step) AS d FROM points WHERE name = 'train_loss'").get() as { n: number; d: number };
    store.close();
    return {
      emitters,
      pointsPerEmitter: perEmitter,
      subscribers,
      load1: +load1.toFixed(1),
      seconds: +seconds.toFixed(2),
      ackedPerSecond: Math.round(expected / seconds),
      stored: n,
      lost: expected - d,
      duplicated: n - d,
      pacedPerEmitter,
      cpu,
      fanout: { ...fanout, expected: expected * subscribers },
    };
  } finally {
    await gw.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const emitters = arg('emitters', 20);
const points = arg('points', 50_000);
const subscribers = arg('subscribers', 4);
const reps = arg('reps', 3);
const line = (r: RepResult) =>
  `${r.pacedPerEmitter ? `paced ${r.pacedPerEmitter * r.emitters} points/s` : 'unpaced'}: load ${r.load1}, ${r.ackedPerSecond.toLocaleString('en')} points/s acked (${r.seconds} s), lost ${r.lost}, duplicated ${r.duplicated}; ` +
  `cores used: emitters ${r.cpu.emitters}, gateway ${r.cpu.gateway}, subscribers ${r.cpu.subscribers}; fan-out ${r.fanout.received}/${r.fanout.expected} points, p50 ${r.fanout.p50Ms} ms, p99 ${r.fanout.p99Ms} ms, max ${r.fanout.maxMs} ms${r.fanout.closed.some((c) => c !== null) ? `, closed ${r.fanout.closed.join(',')}` : ''}`;

// Interleaved: as fast as possible (throughput), then paced at half the first run's throughput
// (latency under a sustained load the gateway keeps up with), A, B, A, B, ...
const results: RepResult[] = [];
let paced = 0;
for (let i = 0; i < reps; i++) {
  const a = await rep(emitters, points, subscribers);
  paced ||= Math.max(1, Math.round(a.ackedPerSecond / 2 / emitters));
  const b = await rep(emitters, points, subscribers, paced);
  results.push(a, b);
  console.log(`rep ${i + 1} ${line(a)}\nrep ${i + 1} ${line(b)}`);
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
for (const [label, rs] of [['unpaced', results.filter((r) => !r.pacedPerEmitter)], [`paced ${paced * emitters} points/s`, results.filter((r) => r.pacedPerEmitter)]] as const) {
  console.log(`median of ${rs.length} ${label}: ${median(rs.map((r) => r.ackedPerSecond)).toLocaleString('en')} points/s acked; fan-out p50 ${median(rs.map((r) => r.fanout.p50Ms))} ms, p99 ${median(rs.map((r) => r.fanout.p99Ms))} ms; lost ${rs.reduce((n, r) => n + r.lost, 0)}, duplicated ${rs.reduce((n, r) => n + r.duplicated, 0)}`);
}
writeFileSync(join(here, 'results.json'), `${JSON.stringify({ date: new Date().toISOString(), emitters, points, subscribers, results }, null, 2)}\n`);
