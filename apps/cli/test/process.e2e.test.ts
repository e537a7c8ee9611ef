// Acceptance checks of the `process` plugin (bring your own trainer) on real parts: the pinned
// Temporal dev server, the gateway with its SQLite store, the orchestrator, and `slab worker
// --plugin process` child processes running the NumPy example trainer (examples/process-numpy) on
// real Fashion-MNIST, or a bash trainer for the faults.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient } from '@slab/api';
import { startDevServer, type DevServer } from '@slab/temporal-dev';
import { startGateway, type Gateway } from '@slab/gateway';
import { connectTemporal, createTemporalSweepControl, runOrchestratorWorker } from '@slab/orchestration-node';
import { resolveToken, type StackInfo } from '../src/config';
import { spawnTrainerWorker } from '../src/stack';
import { isContiguous, readStore, waitFor, waitForPhase } from './helpers';

const ROOT = resolve(__dirname, '../../..');
const EXAMPLE = join(ROOT, 'examples/process-numpy.yaml');
const FAULT_TRAINER = join(__dirname, 'fixtures/fault-trainer.sh');
const BATCH = 32;

let dir: string;
let temporal: DevServer;
let connection: Awaited<ReturnType<typeof connectTemporal>>;
let gateway: Gateway;
let info: StackInfo;
let client: GatewayClient;
const abort = new AbortController();
let orchestrator: Promise<void>;
const workers: ChildProcess[] = [];

function startWorker(concurrency = 1): ChildProcess {
  const child = spawnTrainerWorker({ queue: 'cpu', plugins: ['process'], concurrency }, info, dir, () => undefined);
  workers.push(child);
  return child;
}

/** The example spec with a smaller grid and test cadence; the worker runs from the repository root. */
function numpySpec(name: string, widths: number[], data: number[], trial: string): string {
  const text = readFileSync(EXAMPLE, 'utf8')
    .replace(/^name: .*$/m, `name: ${name}`)
    .replace(/^ {4}command: /m, `    cwd: ${ROOT}\n    command: `)
    .replace(/^dimensions:[\s\S]*?^budget:\n {2}trials: \d+$/m, `dimensions:\n  width: { values: [${widths}] }\n  data: { values: [${data}] }\n  learningRate: { values: [0.001] }\nbudget:\n  trials: ${widths.length * data.length}`)
    .replace(/^holdout:\n(?: {2}.*\n)+/m, '')
    .replace(/^trial:[\s\S]*$/m, `trial: ${trial}\n`);
  expect(text).toContain(`cwd: ${ROOT}`);
  expect(text).toContain(`trials: ${widths.length * data.length}`);
  expect(text).not.toContain('holdout');
  return text;
}

const trialDir = (sweepId: string, trialId: string) => join(dir, 'checkpoints', sweepId, trialId);

/** The pid of the trainer process running a trial (its process group), from the worker's record. */
function trainerPid(sweepId: string, trialId: string): number | undefined {
  const file = join(trialDir(sweepId, trialId), 'trainer.pid.json');
  if (!existsSync(file)) return undefined;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { pid: number }).pid;
  } catch {
    return undefined; // being rewritten
  }
}

/** A live process; zombies count as gone (they hold nothing and only wait to be reaped). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Every multiple of `every` up to `last` is present exactly once. */
function coversEveryStep(steps: number[], every: number, last: number): boolean {
  const have = new Set(steps);
  for (let s = every; s <= last; s += every) if (!have.has(s)) return false;
  return steps.length === have.size;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'slab-process-e2e-'));
  temporal = await startDevServer({ stateDir: join(dir, 'temporal') });
  connection = await connectTemporal(temporal.address);
  const token = resolveToken(dir);
  gateway = await startGateway({ port: 0, dbPath: join(dir, 'slab.sqlite'), token, control: createTemporalSweepControl(connection) });
  info = { gatewayUrl: gateway.url, temporalAddress: temporal.address, token };
  client = new GatewayClient(gateway.url, token);
  orchestrator = runOrchestratorWorker({ address: temporal.address, gatewayUrl: gateway.url, token, signal: abort.signal });
}, 120_000);

afterEach(() => {
  for (const w of workers.splice(0)) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
});

afterAll(async () => {
  abort.abort();
  await orchestrator?.catch(() => undefined);
  await gateway?.close();
  await connection?.close();
  await temporal?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('process plugin end to end', () => {
  it('a trainer that prints garbage, exits 1, rejects its config or hangs: failed / retried / not retried / timed out, and the sweep goes on', async () => {
    startWorker(2);
    const spec = `name: faults
task:
  dataset: fashion-mnist
  model: mlp
  plugin: process
  options: { command: [bash, ${FAULT_TRAINER}], progressTimeoutSeconds: 2, graceSeconds: 1 }
dimensions:
  width: { values: [8] }
  data: { values: [100] }
  seed: { values: [1, 2, 3, 4, 5] }
budget: { trials: 5 }
parallelism: 2
planner: { kind: grid, seed: 0 }
law: { name: chinchilla, metric: eval_loss, variables: { N: params, D: data }, bootstrap: 20 }
trial: { logEvery: 1, evalEvery: 5, checkpointEvery: 5, timeoutSeconds: 120, heartbeatSeconds: 5, maxAttempts: 2 }
`;
    const { id } = await client.createSweep(spec);
    const status = await waitForPhase(client, id, 180_000);
    expect(status.phase).toBe('completed');
    const trials = await client.trials(id);
    expect(status.trials, JSON.stringify(trials.map((t) => [t.config.seed, t.status, t.reason]))).toMatchObject({ completed: 1, failed: 4 });
    const bySeed = new Map(trials.map((t) => [t.config.seed, t]));
    const store = readStore(join(dir, 'slab.sqlite'));
    try {
      const attempts = (seed: number) => store.events(bySeed.get(seed)!.id).filter((e) => e.status === 'running').length;
      expect(bySeed.get(1)).toMatchObject({ status: 'completed', params: 1000, flops: 6 * 1000 * 100 });
      // Garbage: failed at once (the same program would print it again), the point before it kept.
      expect(bySeed.get(2)?.status).toBe('failed');
      expect(bySeed.get(2)?.reason).toBe('trainer protocol error on fd 3, line 3: expected a JSON object, got "step 2: loss 0.9" (the 2 lines before it were kept)');
      expect(store.steps(bySeed.get(2)!.id, 'train_loss')).toEqual([1]);
      expect(attempts(2)).toBe(1);
      // Exit 1: retried, then failed with the exit code and the last output lines.
      expect(bySeed.get(3)?.reason).toMatch(/^trainer failed: exited with code 1; last output:\n[\s\S]*RuntimeError: CUDA out of memory$/);
      expect(attempts(3)).toBe(2);
      // Invalid config: not retried, with the trainer's reason.
      expect(bySeed.get(4)?.reason).toBe("invalid config: the trainer rejected the trial's settings (exit code 78): batchSize 48 does not divide data 100");
      expect(attempts(4)).toBe(1);
      // Hang: timed out on each attempt.
      expect(bySeed.get(5)?.reason).toMatch(/^timed out: no progress report on fd 3 for 2 s \(task\.options\.progressTimeoutSeconds\)/);
      expect(attempts(5)).toBe(2);
    } finally {
      store.close();
    }
  }, 240_000);

  it('a sweep of the NumPy example runs end to end and fits a law', async () => {
    startWorker(2);
    const widths = [16, 32, 64];
    const data = [2000, 8000, 32000];
    const { id } = await client.createSweep(numpySpec('process-numpy-e2e', widths, data, '{ logEvery: 10, evalEvery: 50, checkpointEvery: 25, timeoutSeconds: 300, heartbeatSeconds: 10, maxAttempts: 2 }'));
    const status = await waitForPhase(client, id, 300_000);
    expect(status.phase).toBe('completed');
    expect(status.trials.completed).toBe(9);

    const store = readStore(join(dir, 'slab.sqlite'));
    try {
      for (const t of await client.trials(id)) {
        const w = t.config.width!;
        const d = t.config.data!;
        expect(t.status).toBe('completed');
        expect(t.backend).toBe('process');
        // N is the trainer's own count; FLOPs its count from layer shapes (6 per multiply-add per sample).
        expect(t.params).toBe(784 * w + w + w * w + w + 10 * w + 10);
        expect(t.flops).toBe(6 * (784 * w + w * w + 10 * w) * d);
        expect(t.final?.eval_loss).toBeGreaterThan(0.2);
        expect(t.final?.eval_loss).toBeLessThan(2.3);
        expect(isContiguous(store.frameSeqs(t.id)), `frames of ${t.id}`).toBe(true);
        expect(store.steps(t.id, 'eval_loss').at(-1)).toBe(Math.ceil(d / BATCH));
      }
    } finally {
      store.close();
    }
    const fits = await client.fits(id);
    const last = fits[fits.length - 1].summary;
    expect(last.law).toBe('chinchilla');
    expect(last.nPoints, JSON.stringify(last)).toBe(9);
    expect(Number.isFinite(last.params.alpha) && Number.isFinite(last.params.E)).toBe(true);
  }, 360_000);

  it('kill -9 of the trainer process mid-trial: the trial resumes from its last checkpoint, no metric lost or stored twice', async () => {
    startWorker();
    const data = 64_000;
    const { id } = await client.createSweep(numpySpec('kill-trainer', [64], [data], '{ logEvery: 10, evalEvery: 1000, checkpointEvery: 50, timeoutSeconds: 600, heartbeatSeconds: 3, maxAttempts: 3 }'));
    const trialId = `${id}-t0000`;
    const store = readStore(join(dir, 'slab.sqlite'));
    try {
      await waitFor('the trial to pass step 300', () => (store.maxStep(trialId) >= 300 ? true : undefined), 120_000, 100);
      const pid = trainerPid(id, trialId)!;
      process.kill(pid, 'SIGKILL');
      const status = await waitForPhase(client, id, 300_000);
      expect(status.phase).toBe('completed');

      const events = store.events(trialId);
      expect(events.filter((e) => e.status === 'running').length, JSON.stringify(events)).toBe(2);
      expect(String(events.find((e) => e.status === 'failed')?.info.error)).toMatch(/^trainer failed: killed by SIGKILL/);
      const resumed = Number(events.find((e) => e.status === 'completed')?.info.resumedFromStep);
      expect(resumed).toBeGreaterThanOrEqual(300);
      expect(resumed % 50).toBe(0);
      const totalSteps = Math.ceil(data / BATCH);
      expect(isContiguous(store.frameSeqs(trialId))).toBe(true);
      expect(coversEveryStep(store.steps(trialId, 'train_loss'), 10, totalSteps)).toBe(true);
      expect(alive(pid)).toBe(false);
    } finally {
      store.close();
    }
  }, 420_000);

  it('kill -9 of the worker: its trainer stops, the trial resumes on a new worker from the last checkpoint, no metric lost or stored twice', async () => {
    const first = startWorker();
    const data = 64_000;
    const { id } = await client.createSweep(numpySpec('kill-worker', [64], [data], '{ logEvery: 10, evalEvery: 1000, checkpointEvery: 50, timeoutSeconds: 600, heartbeatSeconds: 3, maxAttempts: 3 }'));
    const trialId = `${id}-t0000`;
    const store = readStore(join(dir, 'slab.sqlite'));
    try {
      await waitFor('the trial to pass step 300', () => (store.maxStep(trialId) >= 300 ? true : undefined), 120_000, 100);
      const pid = trainerPid(id, trialId)!;
      first.kill('SIGKILL');
      // No orphan: the trainer notices its worker is gone and stops.
      await waitFor(`trainer ${pid} to stop after its worker died`, () => (!alive(pid) ? true : undefined), 15_000, 100);
      startWorker();
      const status = await waitForPhase(client, id, 300_000);
      expect(status.phase).toBe('completed');

      const events = store.events(trialId);
      expect(events.filter((e) => e.status === 'running').length, JSON.stringify(events)).toBeGreaterThanOrEqual(2);
      const resumed = Number(events.find((e) => e.status === 'completed')?.info.resumedFromStep);
      expect(resumed).toBeGreaterThanOrEqual(50);
      expect(resumed % 50).toBe(0);
      const totalSteps = Math.ceil(data / BATCH);
      expect(isContiguous(store.frameSeqs(trialId))).toBe(true);
      expect(coversEveryStep(store.steps(trialId, 'train_loss'), 10, totalSteps)).toBe(true);
    } finally {
      store.close();
    }
  }, 420_000);

  it('cancelling the sweep sends SIGTERM to the running trainers, which exit within the grace period; none is left behind', async () => {
    startWorker(2);
    const { id } = await client.createSweep(numpySpec('cancel', [32, 64], [1_000_000], '{ logEvery: 10, evalEvery: 5000, checkpointEvery: 100, timeoutSeconds: 600, heartbeatSeconds: 2, maxAttempts: 1 }'));
    const ids = [`${id}-t0000`, `${id}-t0001`];
    const store = readStore(join(dir, 'slab.sqlite'));
    try {
      await waitFor('both trials to train', () => (ids.every((t) => store.maxStep(t) >= 50) ? true : undefined), 120_000, 200);
      const pids = ids.map((t) => trainerPid(id, t)!);
      await client.control(id, 'cancel');
      const status = await waitForPhase(client, id, 120_000);
      expect(status.phase).toBe('cancelled');
      for (const t of await client.trials(id)) expect(t.status).toBe('stopped');
      for (const pid of pids) await waitFor(`trainer ${pid} to be gone`, () => (!alive(pid) ? true : undefined), 5_000, 100);
      // Each trial's log (beside its checkpoints) says how its trainer ended.
      for (const t of ids) {
        const log = readFileSync(join(trialDir(id, t), 'trainer.log'), 'utf8');
        expect(log, log.slice(-2000)).toContain('cancelled: the trainer exited on SIGTERM within the 10 s grace period');
      }
    } finally {
      store.close();
    }
  }, 300_000);
});
