// Checkpoints any node can resume from, on real parts: a Temporal dev server, the gateway (with its
// blob store beside the SQLite database) and two trainer worker processes standing in for two nodes,
// each with its own state directory. The first is killed with SIGKILL mid-trial and its directory
// removed (the node is gone); the second resumes the trial from the checkpoint the first uploaded,
// and the trial's metric stream has every step exactly once under contiguous sequence numbers.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient } from '@slab/api';
import { startDevServer, type DevServer } from '@slab/temporal-dev';
import { startGateway, type Gateway } from '@slab/gateway';
import { connectTemporal, createTemporalSweepControl, runOrchestratorWorker } from '@slab/orchestration-node';
import { GatewayCheckpoints } from '@slab/worker-sdk';
import { resolveToken, type StackInfo } from '../src/config';
import { spawnTrainerWorker } from '../src/stack';
import { isContiguous, readStore, tinySpec, waitFor, waitForPhase } from './helpers';

const BATCH = 32;
let dir: string;
let temporal: DevServer;
let connection: Awaited<ReturnType<typeof connectTemporal>>;
let gateway: Gateway;
let info: StackInfo;
const abort = new AbortController();
let orchestrator: Promise<void>;
const workers: ChildProcess[] = [];
/** The workers' output, for failure messages. */
const lines: string[] = [];

/** A trainer worker process whose state (checkpoints, local records) lives in `<dir>/<node>` only. */
function startNode(node: string): ChildProcess {
  const child = spawnTrainerWorker({ queue: 'cpu', plugins: ['tfjs'] }, info, join(dir, node), (l) => lines.push(`${node} ${l}`));
  workers.push(child);
  return child;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'slab-cross-node-'));
  temporal = await startDevServer({ stateDir: join(dir, 'temporal') });
  connection = await connectTemporal(temporal.address);
  const token = resolveToken(dir);
  info = { gatewayUrl: '', temporalAddress: temporal.address, token };
  gateway = await startGateway({ port: 0, dbPath: join(dir, 'slab.sqlite'), token, control: createTemporalSweepControl(connection), log: () => undefined });
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

describe('cross-node resume', () => {
  it('a trial whose node dies mid-trial resumes on another node from the checkpoint the first uploaded', async () => {
    const client = new GatewayClient(gateway.url, info.token);
    const checkpoints = new GatewayCheckpoints({ url: gateway.url, token: info.token });
    const data = 24_000;
    const totalSteps = Math.ceil(data / BATCH);
    const spec = tinySpec({ name: 'cross-node', widths: [64], data: [data], trial: '{ logEvery: 10, evalEvery: 500, checkpointEvery: 50, timeoutSeconds: 600, heartbeatSeconds: 10, maxAttempts: 4 }' });
    const nodeA = startNode('node-a');
    const { id } = await client.createSweep(spec);
    const trialId = `${id}-t0000`;
    const ref = { sweepId: id, trialId };
    const store = readStore(join(dir, 'slab.sqlite'));
    try {
      const shared = await waitFor('node A to upload a checkpoint past step 100', () => checkpoints.pull(ref, 99), 180_000, 300);
      nodeA.kill('SIGKILL');
      await new Promise((r) => nodeA.once('exit', r));
      rmSync(join(dir, 'node-a'), { recursive: true, force: true });
      const stepAtKill = store.maxStep(trialId);
      expect(stepAtKill).toBeLessThan(totalSteps); // killed mid-trial

      startNode('node-b');
      const status = await waitForPhase(client, id, 300_000);
      expect(status.phase).toBe('completed');
      expect(status.trials.completed).toBe(1);

      const events = store.events(trialId);
      const running = events.filter((e) => e.status === 'running');
      expect(running.length, JSON.stringify(events)).toBeGreaterThanOrEqual(2);
      expect(running[running.length - 1].info.worker).not.toBe(running[0].info.worker);
      // The finishing attempt started from a checkpoint taken on node A: at or after the one seen uploaded.
      const done = events.find((e) => e.status === 'completed');
      expect(Number(done?.info.resumedFromStep), `${JSON.stringify(events)}\n${lines.slice(-30).join('\n')}`).toBeGreaterThanOrEqual(shared.step);
      // Only node A ran before the kill, so the uploader was one of its attempts and the finisher a later one.
      const finisher = Number(done?.info.attempt);
      expect(finisher).toBeGreaterThan(shared.attempt);
      expect(existsSync(join(dir, 'node-b', 'checkpoints'))).toBe(true);

      // No point lost, none stored twice: contiguous frames, every logged step of the whole run once.
      expect(isContiguous(store.frameSeqs(trialId))).toBe(true);
      const steps = store.steps(trialId, 'train_loss');
      expect(steps.length).toBe(new Set(steps).size);
      const expected: number[] = [];
      for (let s = 10; s <= totalSteps - (totalSteps % 10); s += 10) expected.push(s);
      expect(expected.filter((s) => !steps.includes(s))).toEqual([]);

      // A finished trial is never resumed: the gateway dropped its checkpoint.
      expect(await checkpoints.pull(ref, -1)).toBeUndefined();
    } finally {
      store.close();
    }
  }, 540_000);
});
