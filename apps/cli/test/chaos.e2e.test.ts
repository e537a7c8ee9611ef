// Chaos suite: `slab up` runs as its own process group (Temporal dev server, gateway, orchestrator,
// supervised trainer workers), and parts of it are killed with SIGKILL mid-sweep — a trainer worker,
// the whole stack (gateway and orchestrator included), and the Temporal server. After each, the sweep
// must complete with every trial's logged steps present exactly once and its frame seqs contiguous.
// Timeouts suit a loaded 2-core machine: heartbeats of 10 s, and every wait is on a condition.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient } from '@slab/api';
import { freePort, startDevServer, type DevServer } from '@slab/temporal-dev';
import { resolveToken } from '../src/config';
import { coversEveryStep, isContiguous, readStore, tinySpec, waitFor, waitForPhase } from './helpers';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const BATCH = 32;
const DATA = 16_000;
const TOTAL_STEPS = Math.ceil(DATA / BATCH);
const LOG_EVERY = 5;
const TRIAL = `{ logEvery: ${LOG_EVERY}, evalEvery: 100, checkpointEvery: 20, timeoutSeconds: 900, heartbeatSeconds: 10, maxAttempts: 5 }`;

let dir: string;
let gatewayPort: number;
let temporalPort: number;
let up: ChildProcess | undefined;
let upLog = '';
/** A Temporal server this test restarted itself (after killing the stack's own). */
let ownTemporal: DevServer | undefined;

const client = () => new GatewayClient(`http://127.0.0.1:${gatewayPort}`, resolveToken(dir));

/** `slab up` in its own process group, so that killing the group kills every part of it at once. */
async function startUp(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', main, 'up', '--port', String(gatewayPort), '--temporal-port', String(temporalPort), '--workers', 'cpu:tfjs*2'], {
    env: { ...process.env, SLAB_STATE_DIR: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const keep = (b: Buffer) => (upLog = (upLog + b.toString()).slice(-8000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  up = child;
  await waitFor(`slab up to serve (log: ${upLog})`, async () => {
    if (child.exitCode !== null) throw new Error(`slab up exited with ${child.exitCode}:\n${upLog}`);
    const ok = await fetch(`http://127.0.0.1:${gatewayPort}/healthz`).then((r) => r.ok, () => false);
    return ok && /console:/.test(upLog) ? true : undefined;
  }, 180_000, 500);
}

function killGroup(child: ChildProcess): Promise<void> {
  const gone = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()));
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
  return gone;
}

/** Pids of `slab up`'s children whose command line matches. */
function childrenOf(pid: number, match: RegExp): number[] {
  const out = spawnSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' }).stdout;
  return out.split('\n').filter((l) => match.test(l)).map((l) => Number(l.trim().split(/\s+/)[0]));
}

async function submit(name: string): Promise<string> {
  const { id } = await client().createSweep(tinySpec({ name, widths: [32, 64], data: [DATA], trial: TRIAL }));
  return id;
}

/** Waits until the first trial stored `step`, then runs `kill`; checks the kill landed mid-trial. */
async function killMidTrial(id: string, step: number, kill: () => Promise<void> | void): Promise<void> {
  const store = readStore(join(dir, 'slab.sqlite'));
  try {
    await waitFor(`sweep ${id} to reach step ${step}`, () => (store.maxStep(`${id}-t0000`) >= step ? true : undefined), 240_000, 200);
    await kill();
    expect(store.maxStep(`${id}-t0000`), 'the kill came after the trial ended').toBeLessThan(TOTAL_STEPS - LOG_EVERY);
  } finally {
    store.close();
  }
}

/** How many attempts of a trial started (its `running` events). */
function attempts(trialId: string): number {
  const store = readStore(join(dir, 'slab.sqlite'));
  try {
    return store.events(trialId).filter((e) => e.status === 'running').length;
  } finally {
    store.close();
  }
}

/** The sweep completes; every trial stored each logged step once, with frame seqs 1..n. */
async function expectComplete(id: string): Promise<void> {
  const status = await waitForPhase(client(), id, 400_000);
  expect(status.phase, upLog).toBe('completed');
  const trials = await client().trials(id);
  expect(trials.map((t) => t.status)).toEqual(['completed', 'completed']);
  const store = readStore(join(dir, 'slab.sqlite'));
  try {
    for (const t of trials) {
      expect(isContiguous(store.frameSeqs(t.id)), `frame seqs of ${t.id}`).toBe(true);
      expect(coversEveryStep(store.steps(t.id, 'train_loss'), LOG_EVERY, TOTAL_STEPS - (TOTAL_STEPS % LOG_EVERY)), `train_loss steps of ${t.id}`).toBe(true);
    }
  } finally {
    store.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'slab-chaos-'));
  gatewayPort = await freePort();
  temporalPort = await freePort();
  await startUp();
}, 200_000);

afterAll(async () => {
  if (up) await killGroup(up);
  await ownTemporal?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('chaos: SIGKILL mid-sweep, then nothing lost or doubled', () => {
  it('a trial on a queue no worker serves shows "waiting for a worker on queue X" in status', async () => {
    const spec = tinySpec({ name: 'no-worker', widths: [32], data: [DATA], trial: TRIAL }).replace('resourceClass: cpu', 'resourceClass: gpu-nowhere');
    const { id } = await client().createSweep(spec);
    const status = await waitFor('the sweep to report waiting', async () => (await client().getSweep(id)).status.waiting ? (await client().getSweep(id)).status : undefined, 120_000, 1000);
    expect(status.phase).toBe('running');
    expect(status.waiting).toBe('waiting for a worker on queue gpu-nowhere (1 trial)');
    // No worker started it: it is counted waiting, not running.
    expect(status.trials).toMatchObject({ planned: 1, running: 0, completed: 0 });
    const r = spawnSync(process.execPath, ['--import', 'tsx', main, 'status', id], { encoding: 'utf8', env: { ...process.env, SLAB_STATE_DIR: dir }, timeout: 60_000 });
    expect(r.stdout).toContain('waiting for a worker on queue gpu-nowhere (1 trial)');
    expect(r.stdout).toMatch(/^trials: 1 of 1 created: 1 waiting$/m);
    await client().control(id, 'cancel');
    expect((await waitForPhase(client(), id, 120_000)).phase).toBe('cancelled');
  }, 300_000);

  it('a trainer worker', async () => {
    const id = await submit('kill-worker');
    const [worker] = childrenOf(up!.pid!, / worker /);
    expect(worker, upLog).toBeGreaterThan(0);
    await killMidTrial(id, 30, () => void process.kill(worker, 'SIGKILL'));
    await expectComplete(id);
    expect(upLog).toMatch(new RegExp(`pid ${worker} died \\(signal SIGKILL\\)`));
    // The worker ran both trials (concurrency 2): each was retried on the restarted one.
    expect(attempts(`${id}-t0000`)).toBeGreaterThanOrEqual(2);
  }, 500_000);

  it('the whole stack (Temporal, gateway, orchestrator, workers); a restart on the same state dir takes over its lock', async () => {
    const id = await submit('kill-stack');
    await killMidTrial(id, 30, () => killGroup(up!));
    await startUp();
    await expectComplete(id);
    expect(attempts(`${id}-t0000`)).toBeGreaterThanOrEqual(2);
  }, 600_000);

  it('the Temporal server, restarted on its port and database', async () => {
    const id = await submit('kill-temporal');
    const [server] = childrenOf(up!.pid!, /start-dev/);
    expect(server, upLog).toBeGreaterThan(0);
    await killMidTrial(id, 30, async () => {
      process.kill(server, 'SIGKILL');
      await waitFor('the Temporal server to die', () => (childrenOf(up!.pid!, /start-dev/).includes(server) ? undefined : true), 30_000, 200);
    });
    ownTemporal = await startDevServer({ stateDir: join(dir, 'temporal'), port: temporalPort, logFile: join(dir, 'temporal-restarted.log') });
    await expectComplete(id);
  }, 600_000);
});
