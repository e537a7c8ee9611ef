// Three "nodes" on one machine, each a separate process with its own state, as the Helm chart lays
// them out: a control plane (`slab serve` against a Temporal server) and two trainer nodes
// (`slab worker`) on two task queues. The node of queue cpu-a is SIGKILLed mid-trial and replaced,
// as a Deployment replaces a lost pod, by a new process with an empty state directory; both sweeps
// complete, and every trial has every logged step stored once under contiguous frame seqs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayCheckpoints } from '@slab/worker-sdk';
import { completenessProblems, killNode, startCluster, type Cluster } from './cluster';
import { tinySpec, waitFor, waitForPhase } from './helpers';

const BATCH = 32;
const LOG_EVERY = 10;
const trial = (timeout: number) => `{ logEvery: ${LOG_EVERY}, evalEvery: 500, checkpointEvery: 50, timeoutSeconds: ${timeout}, heartbeatSeconds: 10, maxAttempts: 4 }`;

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster({ prefix: 'slab-deploy-' });
}, 240_000);
afterAll(async () => {
  await cluster?.stop();
}, 90_000);

describe('a deployment of three nodes', () => {
  it('completes sweeps on two task queues with one trainer node killed mid-trial, losing and duplicating nothing', async () => {
    const { client } = cluster;
    const [nodeA] = await Promise.all([cluster.startWorker('node-a', 'cpu-a'), cluster.startWorker('node-b', 'cpu-b')]);

    const longData = 24_000;
    const long = await client.createSweep(tinySpec({ name: 'queue-a', widths: [64], data: [longData], trial: trial(600) }).replace('resourceClass: cpu', 'resourceClass: cpu-a'));
    const shortData = [2_000, 4_000];
    const short = await client.createSweep(tinySpec({ name: 'queue-b', widths: [16], data: shortData, trial: trial(300) }).replace('resourceClass: cpu', 'resourceClass: cpu-b'));

    // Node A dies once it has uploaded a checkpoint past step 100 of the long trial.
    const checkpoints = new GatewayCheckpoints({ url: cluster.gatewayUrl, token: cluster.token });
    const longTrial = `${long.id}-t0000`;
    const uploaded = await waitFor('node A to upload a checkpoint past step 100', () => checkpoints.pull({ sweepId: long.id, trialId: longTrial }, 99), 240_000, 300);
    await killNode(nodeA);
    const replacement = await cluster.startWorker('node-a2', 'cpu-a');

    for (const { id } of [long, short]) {
      const status = await waitForPhase(client, id, 420_000);
      expect(status.phase, cluster.logs()).toBe('completed');
      expect(status.trials.failed).toBe(0);
    }

    const probe = await cluster.store.open();
    try {
      // The long trial was killed mid-run and finished on the replacement, from node A's checkpoint.
      const events = await probe.events(longTrial);
      const running = events.filter((e) => e.status === 'running');
      expect(running.length, JSON.stringify(events)).toBeGreaterThanOrEqual(2);
      const done = events.find((e) => e.status === 'completed');
      const finisher = running.find((e) => e.info.attempt === done?.info.attempt);
      expect(String(finisher?.info.worker), JSON.stringify(events)).toMatch(new RegExp(`/${replacement.child.pid}$`));
      expect(Number(done?.info.resumedFromStep), JSON.stringify(events)).toBeGreaterThanOrEqual(uploaded.step);
      expect(Number(done?.info.resumedFromStep)).toBeLessThan(Math.ceil(longData / BATCH));

      // Every trial of both sweeps: every logged step once, contiguous frame seqs.
      const expected = [
        { trialId: longTrial, data: longData },
        ...(await client.trials(short.id)).map((t) => ({ trialId: t.id, data: Number(t.config.data) })),
      ];
      expect(expected.length).toBe(3);
      const problems: string[] = [];
      for (const { trialId, data } of expected) problems.push(...(await completenessProblems(probe, trialId, { metric: 'train_loss', logEvery: LOG_EVERY, totalSteps: Math.ceil(data / BATCH) })));
      expect(problems, cluster.logs()).toEqual([]);
      // Queue routing held: the short sweep ran on node B only.
      for (const { trialId } of expected.slice(1)) {
        const running = (await probe.events(trialId)).filter((e) => e.status === 'running');
        expect(running.length).toBeGreaterThan(0);
        expect(running.every((e) => e.info.taskQueue === 'cpu-b')).toBe(true);
      }
    } finally {
      await probe.close();
    }
  }, 600_000);
});
