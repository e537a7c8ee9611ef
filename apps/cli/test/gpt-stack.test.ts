// The GPT proxy trainer on real parts (Temporal dev server, gateway, SQLite, a spawned `slab worker`,
// real SOTU text): a GPT trial killed with SIGKILL mid-run resumes from its checkpoint, and a
// high-LR trial without qk-layernorm ends as `diverged` with its step while the sweep goes on.
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
import { isContiguous, readStore, waitFor, waitForPhase } from './helpers';

let dir: string;
let temporal: DevServer;
let connection: Awaited<ReturnType<typeof connectTemporal>>;
let gateway: Gateway;
let info: StackInfo;
const abort = new AbortController();
let orchestrator: Promise<void>;
const workers: ChildProcess[] = [];

function startWorker(): ChildProcess {
  const child = spawnTrainerWorker({ queue: 'cpu', plugins: ['tfjs'] }, info, dir, () => undefined);
  workers.push(child);
  return child;
}

/** d32, 2 blocks, context 64, batch 8: 512 tokens per step. */
function gptSpec(name: string, dims: string, trial: string, trials: number): string {
  return `name: ${name}
task:
  dataset: sotu
  model: gpt
  plugin: tfjs
  options: { context: 64, batchSize: 8, evalSize: 8, evalSets: [austen] }
dimensions:
  width: { values: [32] }
  depth: { values: [2] }
${dims}
budget: { trials: ${trials} }
parallelism: 2
resourceClass: cpu
planner: { kind: grid, seed: 0 }
law: { name: chinchilla, metrics: [eval_loss, eval_loss_austen], variables: { N: params, D: data }, bootstrap: 0 }
trial: ${trial}
`;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'slab-gpt-'));
  temporal = await startDevServer({ stateDir: join(dir, 'temporal') });
  connection = await connectTemporal(temporal.address);
  const token = resolveToken(dir);
  info = { gatewayUrl: '', temporalAddress: temporal.address, token };
  gateway = await startGateway({ port: 0, dbPath: join(dir, 'slab.sqlite'), token, control: createTemporalSweepControl(connection) });
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

describe('gpt trials on the real stack', () => {
  it('a GPT worker killed with SIGKILL mid-trial: the trial resumes from its checkpoint, no metric stored twice', async () => {
    const client = new GatewayClient(gateway.url, info.token);
    const steps = 240;
    const spec = gptSpec('gpt-kill9', `  data: { values: [${steps * 512}] }`, '{ logEvery: 5, evalEvery: 120, checkpointEvery: 20, timeoutSeconds: 600, heartbeatSeconds: 10, maxAttempts: 4 }', 1);
    const first = startWorker();
    const { id } = await client.createSweep(spec);
    const trialId = `${id}-t0000`;
    const store = readStore(join(dir, 'slab.sqlite'));
    try {
      await waitFor('the trial to pass step 60', () => (store.maxStep(trialId) >= 60 ? true : undefined), 180_000, 200);
      first.kill('SIGKILL');
      startWorker();
      const status = await waitForPhase(client, id, 300_000);
      expect(status.phase).toBe('completed');
      expect(status.trials.completed).toBe(1);
      const events = store.events(trialId);
      expect(events.filter((e) => e.status === 'running').length, JSON.stringify(events)).toBeGreaterThanOrEqual(2);
      const done = events.find((e) => e.status === 'completed');
      const resumed = Number(done?.info.resumedFromStep);
      expect(resumed, JSON.stringify(events)).toBeGreaterThanOrEqual(20);
      expect(resumed).toBeLessThan(steps);
      expect(isContiguous(store.frameSeqs(trialId))).toBe(true);
      for (const name of ['train_loss', 'lr', 'attn_logit_max_l1']) expect(store.steps(trialId, name), name).toEqual(Array.from({ length: steps / 5 }, (_, i) => 5 * (i + 1)));
      expect(store.steps(trialId, 'eval_loss_austen')).toEqual([120, 240]);
    } finally {
      store.close();
    }
  }, 480_000);

  it('a high-LR trial without qk-layernorm ends as diverged with its step; the sweep goes on', async () => {
    if (!workers.some((w) => w.exitCode === null && w.signalCode === null)) startWorker();
    const client = new GatewayClient(gateway.url, info.token);
    const dims = `  data: { values: [16384] }
  learningRate: { values: [0.003, 100000000] }
  qkNorm: { values: [false] }`;
    const { id } = await client.createSweep(gptSpec('gpt-diverge', dims, '{ logEvery: 1, evalEvery: 16, checkpointEvery: 8, timeoutSeconds: 300, heartbeatSeconds: 10, maxAttempts: 3 }', 2));
    const status = await waitForPhase(client, id, 300_000);
    expect(status.phase).toBe('completed');
    expect(status.trials.completed).toBe(1);
    expect(status.trials.diverged).toBe(1);
    const trials = await client.trials(id);
    const diverged = trials.find((t) => t.status === 'diverged');
    expect(diverged?.config.learningRate).toBe(1e8);
    expect(diverged?.reason).toMatch(/loss\w* became (NaN|Infinity|-Infinity) at step \d+/);
  }, 480_000);
});
