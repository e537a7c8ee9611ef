/**
 * bench/load: acked ingest throughput of the gateway on SQLite vs PostgreSQL, interleaved A, B, A, B
 * in one run, medians per store.
 *
 * Each run starts the gateway in its own process (gateway.ts) on a fresh store — a SQLite file, or a
 * fresh database on a Postgres server this bench starts with scripts/postgres.sh (default, durable
 * settings: fsync on, synchronous_commit on) — and N MetricEmitters each stream P points of one trial
 * as fast as they can. Throughput is points acked (an ack means committed) per second, from the first
 * point to the last ack. Afterwards the store is read back through the Store API: every (trial, step)
 * exactly once, else the run reports it lost or duplicated.
 *
 * Run: npx tsx bench/load/stores.ts [--emitters 20] [--points 10000] [--reps 3]
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openStore } from '@slab/store';
import { MetricEmitter } from '@slab/worker-sdk';

const TOKEN = 'bench-load-token';
const here = fileURLToPath(new URL('.', import.meta.url));
const postgresScript = join(here, '../../scripts/postgres.sh');

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name}: expected a positive integer, got "${process.argv[i + 1]}"`);
  return v;
}

type Kind = 'sqlite' | 'postgres';

interface Run {
  store: Kind;
  load1: number;
  seconds: number;
  ackedPerSecond: number;
  lost: number;
  duplicated: number;
  /** Cores used (CPU s per wall s) by the gateway process; Postgres's own processes are not counted. */
  gatewayCores: number;
}

function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function startGatewayProcess(store: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'gateway.ts'), store, TOKEN], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}`)));
  });
  const { wsUrl } = JSON.parse(line) as { wsUrl: string };
  const stop = () => new Promise<void>((r) => (child.once('exit', () => r()), child.kill('SIGTERM')));
  return { wsUrl, stop, cpuSeconds: () => cpuSecondsOf(child.pid!) };
}

let databases = 0;
async function freshStore(kind: Kind, server: string, dir: string): Promise<string> {
  if (kind === 'sqlite') return join(dir, `run-${databases++}.sqlite`);
  const name = `bench_${databases++}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(server);
  u.pathname = `/${name}`;
  return u.href;
}

async function run(kind: Kind, url: string, emitters: number, perEmitter: number): Promise<Run> {
  const gw = await startGatewayProcess(url);
  try {
    const clients = Array.from({ length: emitters }, (_, i) => new MetricEmitter({ url: gw.wsUrl, token: TOKEN, workerId: `bench-${i}`, log: () => undefined }));
    const load1 = loadavg()[0];
    const cpu0 = gw.cpuSeconds();
    const t0 = performance.now();
    await Promise.all(
      clients.map(async (e, i) => {
        const stream = e.openTrial('load', `load-t${String(i).padStart(4, '0')}`);
        for (let step = 0; step < perEmitter; step += 1000) {
          for (let s = step; s < Math.min(perEmitter, step + 1000); s++) stream.point(s, 'train_loss', s);
          await new Promise((r) => setImmediate(r));
        }
        await stream.flush(600_000);
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const gatewayCores = +((gw.cpuSeconds() - cpu0) / seconds).toFixed(2);
    await Promise.all(clients.map((c) => c.close()));
    // Counted through the Store API, the same code for both stores.
    const store = await openStore(url);
    let stored = 0;
    let distinct = 0;
    for (const trialId of await store.sweepTrialIds('load')) {
      const steps = (await store.trialMetrics(trialId, { name: 'train_loss' })).map((r) => r.step);
      stored += steps.length;
      distinct += new Set(steps).size;
    }
    await store.close();
    const expected = emitters * perEmitter;
    return { store: kind, load1: +load1.toFixed(1), seconds: +seconds.toFixed(2), ackedPerSecond: Math.round(expected / seconds), lost: expected - distinct, duplicated: stored - distinct, gatewayCores };
  } finally {
    await gw.stop();
  }
}

const emitters = arg('emitters', 20);
const points = arg('points', 10_000);
const reps = arg('reps', 3);
const dir = mkdtempSync(join(tmpdir(), 'slab-bench-stores-'));
// Its own directory: as root the server runs as the postgres user, who cannot enter `dir`.
const pgDir = mkdtempSync(join(tmpdir(), 'slab-bench-postgres-'));
const server = execFileSync('bash', [postgresScript, 'start', pgDir], { encoding: 'utf8' }).trim();
const runs: Run[] = [];
try {
  for (let i = 0; i < reps; i++) {
    for (const kind of ['sqlite', 'postgres'] as const) {
      const r = await run(kind, await freshStore(kind, server, dir), emitters, points);
      runs.push(r);
      console.log(`rep ${i + 1} ${kind}: load ${r.load1}, ${r.ackedPerSecond.toLocaleString('en')} points/s acked (${r.seconds} s), lost ${r.lost}, duplicated ${r.duplicated}, gateway ${r.gatewayCores} cores`);
    }
  }
} finally {
  execFileSync('bash', [postgresScript, 'stop', pgDir]);
  rmSync(dir, { recursive: true, force: true });
  rmSync(pgDir, { recursive: true, force: true });
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
for (const kind of ['sqlite', 'postgres'] as const) {
  const rs = runs.filter((r) => r.store === kind);
  console.log(`median of ${rs.length} ${kind}: ${median(rs.map((r) => r.ackedPerSecond)).toLocaleString('en')} points/s acked (range ${Math.min(...rs.map((r) => r.ackedPerSecond))}–${Math.max(...rs.map((r) => r.ackedPerSecond))}); lost ${rs.reduce((n, r) => n + r.lost, 0)}, duplicated ${rs.reduce((n, r) => n + r.duplicated, 0)}`);
}
writeFileSync(join(here, 'results-stores.json'), `${JSON.stringify({ date: new Date().toISOString(), emitters, points, runs }, null, 2)}\n`);
