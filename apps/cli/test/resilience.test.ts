// Acceptance checks of issue #2 on real parts: a trainer worker killed with SIGKILL mid-trial resumes
// from its checkpoint on a new worker, and a gateway restart mid-sweep loses no metric frame.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient } from '@slab/api';
import { startDevServer, type DevServer } from '@slab/temporal-dev';
import { startGateway, type Gateway } from '@slab/gateway';
import { connectTemporal, createTemporalSweepControl, runOrchestratorWorker } from '@slab/orchestration-node';
import { resolveToken, type StackInfo } from '../src/config';
import { spawnTrainerWorker } from '../src/stack';
import { coversEveryStep, isContiguous, readStore, tinySpec, waitFor, waitForPhase } from './helpers';

const BATCH = 32;
let dir: string;
let temporal: DevServer;
let connection: Awaited<ReturnType<typeof connectTemporal>>;
let gateway: Gateway;
let info: StackInfo;
const abort = new AbortController();
let orchestrator: Promise<void>;
const workers: ChildProcess[] = [];

async function openGateway(port = 0): Promise<Gateway> {
  return startGateway({ port, dbPath: join(dir, 'slab.sqlite'), token: info?.token ?? resolveToken(dir), control: createTemporalSweepControl(connection) });
}

function startWorker(): ChildProcess {
  const child = spawnTrainerWorker({ queue: 'cpu', plugins: ['tfjs'] }, info, dir, () => undefined);
  workers.push(child);
  return child;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'slab-resilience-'));
  temporal = await startDevServer({ stateDir: join(dir, 'temporal') });
  connection = await connectTemporal(temporal.address);
  const token = resolveToken(dir);
  info = { gatewayUrl: '', temporalAddress: temporal.address, token };
  gateway = await openGateway();
  info.gatewayUrl = gateway.url;
  orchestrator = runOrchestratorWorker({ address: temporal.address, gatewayUrl: gateway.url, token, signal: abort.signal });
}, 120_000);

afterAll(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  abort.abort();
  await orchestrator?.catch(() => undefined);
  await gateway?.close();
  await connection?.close();
  await temporal?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('resilience', () => {
  it('a worker killed with SIGKILL mid-trial: the trial resumes from its checkpoint and no metric is stored twice', async () => {
    const client = new GatewayClient(gateway.url, info.token);
    const data = 48_000;
    const spec = tinySpec({ name: 'kill9', widths: [64], data: [data], trial: '{ logEvery: 10, evalEvery: 500, checkpointEvery: 50, timeoutSeconds: 600, heartbeatSeconds: 15, maxAttempts: 3 }' });
    const first = startWorker();
    const { id } = await client.createSweep(spec);
    const trialId = `${id}-t0000`;
    const store = readStore(join(dir, 'slab.sqlite'));
    try {
      await waitFor('the trial to pass step 200', () => (store.maxStep(trialId) >= 200 ? true : undefined), 120_000, 200);
      first.kill('SIGKILL');
      const stepAtKill = store.maxStep(trialId);
      startWorker();
      const status = await waitForPhase(client, id, 300_000);
      expect(status.phase).toBe('completed');
      expect(status.trials.completed).toBe(1);

      const events = store.events(trialId);
      expect(events.filter((e) => e.status === 'running').length, JSON.stringify(events)).toBeGreaterThanOrEqual(2);
      // The plugin's own account of where the finishing attempt started: a checkpoint, not step 0.
      const done = events.find((e) => e.status === 'completed');
      const resumed = Number(done?.info.resumedFromStep);
      expect(resumed, JSON.stringify(events)).toBeGreaterThanOrEqual(50);
      // Metrics reach the store a little after the step that produced them, so only bound it by the run.
      expect(resumed).toBeLessThan(Math.ceil(data / BATCH));
      expect(stepAtKill).toBeGreaterThanOrEqual(200);

      const totalSteps = Math.ceil(data / BATCH);
      expect(isContiguous(store.frameSeqs(trialId))).toBe(true);
      expect(coversEveryStep(store.steps(trialId, 'train_loss'), 10, totalSteps - (totalSteps % 10))).toBe(true);
      const [trial] = await client.trials(id);
      expect(trial.status).toBe('completed');
    } finally {
      store.close();
    }
  }, 480_000);

  it('restarting the gateway during a sweep loses no metric frame', async () => {
    const client = () => new GatewayClient(gateway.url, info.token);
    const data = 6_000;
    const spec = tinySpec({ name: 'gateway-restart', widths: [32, 64], data: [data], trial: '{ logEvery: 5, evalEvery: 100, checkpointEvery: 50, timeoutSeconds: 600, heartbeatSeconds: 5, maxAttempts: 3 }' });
    if (!workers.some((w) => w.exitCode === null && w.signalCode === null)) startWorker();
    const { id } = await client().createSweep(spec);
    const port = Number(new URL(gateway.url).port);
    const store = readStore(join(dir, 'slab.sqlite'));
    try {
      await waitFor('metrics to flow', () => (store.maxStep(`${id}-t0000`) >= 20 ? true : undefined), 120_000, 100);
      await gateway.close();
      await new Promise((r) => setTimeout(r, 1500));
      gateway = await openGateway(port);
      const status = await waitForPhase(client(), id, 300_000);
      expect(status.phase).toBe('completed');
      const totalSteps = Math.ceil(data / BATCH);
      for (const t of await client().trials(id)) {
        expect(isContiguous(store.frameSeqs(t.id)), `frames of ${t.id}`).toBe(true);
        expect(coversEveryStep(store.steps(t.id, 'train_loss'), 5, totalSteps - (totalSteps % 5)), `train_loss of ${t.id}`).toBe(true);
      }
    } finally {
      store.close();
    }
  }, 480_000);
});
