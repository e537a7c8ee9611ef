// Scale-out on one machine: trainer workers are separate processes that join by task queue, exactly
// as GPU nodes would. Two workers on one queue share a sweep's trials; a spec's resourceClass routes
// its trials to the workers of that queue only.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnTrainerWorker } from '../src/stack';
import { readStore, tinySpec, useStack, waitFor, waitForPhase } from './helpers';

const env = useStack([]);
const children: ChildProcess[] = [];
afterAll(() => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

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
