// The whole path on real parts: pinned Temporal dev server, gateway + SQLite, orchestrator worker,
// a tfjs trainer worker process training on real Fashion-MNIST, metrics over websocket/protobuf.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/program';
import { isContiguous, readStore, tinySpec, waitForPhase, useStack } from './helpers';

const env = useStack([{ queue: 'cpu', plugins: ['tfjs'] }]);

describe('a sweep end to end', () => {
  it('runs 9 real trainings, stores contiguous metric frames for each and a fit for the sweep', async () => {
    const { id } = await env.client.createSweep(tinySpec({ name: 'e2e', widths: [8, 16, 32], data: [256, 512, 1024] }));
    const status = await waitForPhase(env.client, id, 300_000);
    expect(status.phase).toBe('completed');
    expect(status.trials.completed).toBe(9);

    const trials = await env.client.trials(id);
    expect(trials).toHaveLength(9);
    const store = readStore(join(env.dir, 'slab.sqlite'));
    try {
      for (const t of trials) {
        expect(t.status).toBe('completed');
        expect(t.params).toBeGreaterThan(0);
        expect(t.flops).toBeGreaterThan(0);
        expect(isContiguous(store.frameSeqs(t.id)), `frames of ${t.id}`).toBe(true);
        expect(store.pointCount(t.id, 'eval_loss')).toBeGreaterThan(0);
        expect(store.pointCount(t.id, 'train_loss')).toBeGreaterThan(0);
      }
    } finally {
      store.close();
    }
    const fits = await env.client.fits(id);
    expect(fits.length).toBeGreaterThan(0);
    const last = fits[fits.length - 1].summary;
    expect(last.law).toBe('chinchilla');
    expect(last.nPoints).toBe(9);
    expect(Number.isFinite(last.params.alpha)).toBe(true);

    const csv = await env.client.exportSweep(id, 'csv');
    expect(csv.trim().split('\n')).toHaveLength(10);

    // slab predict answers from the stored fit, with an interval around the point estimate.
    const printed: string[] = [];
    const log = console.log;
    console.log = (line: string) => printed.push(line);
    try {
      await buildProgram().parseAsync(['node', 'slab', 'predict', id, '--at', 'N=1e5,D=4096', '--json', '--gateway', env.stack.gatewayUrl]);
    } finally {
      console.log = log;
    }
    const answer = JSON.parse(printed.join('\n')) as { at: { value: number; lo: number; hi: number }[] };
    expect(answer.at).toHaveLength(1);
    expect(answer.at[0].value).toBeGreaterThan(0);
    expect(answer.at[0].lo).toBeLessThanOrEqual(answer.at[0].value);
    expect(answer.at[0].hi).toBeGreaterThanOrEqual(answer.at[0].value);
  }, 360_000);

  it('rejects a spec with three mistakes, naming each, and stores nothing', async () => {
    const before = (await env.client.listSweeps()).length;
    const bad = tinySpec({ name: 'bad', widths: [8], data: [256] }).replace('width: { values: [8] }', 'width: { values: [8, "abc"] }').replace('parallelism: 2', 'parallelism: 0').replace('kind: grid', 'kind: gird');
    await expect(env.client.createSweep(bad)).rejects.toMatchObject({ status: 400 });
    const err = await env.client.createSweep(bad).catch((e: { issues?: { path: string }[] }) => e);
    expect((err as { issues: { path: string }[] }).issues.map((i) => i.path).sort()).toEqual(['dimensions.width.values[1]', 'parallelism', 'planner.kind']);
    expect(await env.client.listSweeps()).toHaveLength(before);
  });
});
