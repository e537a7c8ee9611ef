// Scale-out on one machine, laid out as it is on many: a Temporal server of its own, the control plane
// of `slab serve` (gateway + orchestrator against that server), and trainer workers as separate
// processes that join by task queue, as GPU nodes would. Two workers on one queue share a sweep's
// trials; a spec's resourceClass routes its trials to the workers of that queue only.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient } from '@slab/api';
import { startDevServer, type DevServer } from '@slab/temporal-dev';
import { spawnTrainerWorker, startStack, type Stack } from '../src/stack';
import { readStore, tinySpec, waitFor, waitForPhase } from './helpers';

const env = {} as { stack: Stack; client: GatewayClient; dir: string };
let temporal: DevServer;
const children: ChildProcess[] = [];
beforeAll(async () => {
  env.dir = mkdtempSync(join(tmpdir(), 'slab-scaleout-'));
  temporal = await startDevServer({ stateDir: join(env.dir, 'temporal') });
  env.stack = await startStack({ stateDir: env.dir, temporalAddress: temporal.address, gatewayPort: 0, workers: [], log: () => undefined });
  env.client = new GatewayClient(env.stack.gatewayUrl, env.stack.token);
}, 120_000);
afterAll(async () => {
  children.forEach((c) => c.exitCode === null && c.kill('SIGKILL'));
  await env.stack?.stop();
  await temporal?.stop();
  rmSync(env.dir, { recursive: true, force: true });
}, 60_000);

let ready = 0;
function worker(queue: string): void {
  const { stack, dir } = env;
  const onLine = (line: string) => {
    if (/\] worker .*: queue /.test(line)) ready += 1; // printed once its plugin has loaded
  };
  children.push(spawnTrainerWorker({ queue, plugins: ['tfjs'] }, { gatewayUrl: stack.gatewayUrl, temporalAddress: stack.temporalAddress, token: stack.token }, join(dir, queue), onLine));
}

function workersOf(trialIds: string[]): Set<string> {
  const store = readStore(join(env.dir, 'slab.sqlite'));
  try {
    return new Set(trialIds.flatMap((t) => store.events(t).filter((e) => e.status === 'running').map((e) => `${e.info.taskQueue}|${e.info.worker}`)));
  } finally {
    store.close();
  }
}

describe('scale-out by task queue', () => {
  it('spreads trials over two workers of one queue and routes another resource class to its own worker', async () => {
    worker('cpu');
    worker('cpu');
    worker('gpu-sim');
    await waitFor('three workers to load', () => (ready === 3 ? true : undefined), 120_000, 200);
    const trial = '{ logEvery: 10, evalEvery: 100, checkpointEvery: 50, timeoutSeconds: 300, heartbeatSeconds: 10, maxAttempts: 2 }';
    const shared = await env.client.createSweep(tinySpec({ name: 'shared', widths: [32, 64], data: [4000, 6000], trial }));
    const routed = await env.client.createSweep(tinySpec({ name: 'routed', widths: [16], data: [512, 1024], trial }).replace('resourceClass: cpu', 'resourceClass: gpu-sim'));
    for (const { id } of [shared, routed]) expect((await waitForPhase(env.client, id, 300_000)).phase).toBe('completed');

    const onShared = workersOf((await env.client.trials(shared.id)).map((t) => t.id));
    const onRouted = workersOf((await env.client.trials(routed.id)).map((t) => t.id));
    expect([...onShared].every((w) => w.startsWith('cpu|'))).toBe(true);
    expect(onShared.size).toBe(2); // both cpu workers trained some of the four trials
    expect(onRouted.size).toBe(1);
    expect([...onRouted][0]).toMatch(/^gpu-sim\|/);
  }, 420_000);
});
