// The fitLaws activity fits in a worker thread: the caller's event loop stays free (the gateway
// shares it under `slab up`), the activity heartbeats meanwhile, and cancellation stops the fit.
import { CancelledFailure } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { TrialResult } from '@slab/spec';
import { describe, expect, it } from 'vitest';
import { createOrchestratorActivities } from '../src';
import { fitInThread, FitInputError } from '../src/fit-thread';
import { collectingGateway, lossAt, testSpec } from './helpers';

const grid = [1e3, 4e3, 1.6e4, 6.4e4].flatMap((n) => [1e3, 1e4, 1e5].map((d) => [n, d] as const));
const results: TrialResult[] = grid.map(([n, d], i) => ({
  trialId: `s-t${String(i).padStart(4, '0')}`, status: 'completed', params: n, data: d, flops: 6 * n * d,
  final: { eval_loss: lossAt(n, d) }, resumedFromStep: 0, steps: 10, backend: 'test', wallSeconds: 1,
}));
const bigFit = testSpec({ law: { name: 'chinchilla', metric: 'eval_loss', bootstrap: 3000 }, target: { kind: 'loss', at: { N: 1e6, D: 1e7 } } });

describe('fitting off the event loop', () => {
  it('fitInThread gives fitSweep’s answer while this thread keeps turning', async () => {
    let turns = 0;
    const ticker = setInterval(() => (turns += 1), 20);
    try {
      const fit = await fitInThread({ spec: bigFit, results });
      expect(fit.summary.params.alpha).toBeCloseTo(0.34, 2);
      expect((fit.report as { bootstrap: { samples: unknown[] } }).bootstrap.samples.length).toBeGreaterThan(2900);
    } finally {
      clearInterval(ticker);
    }
    // A fit run inline would block the interval for its whole length; here it fired throughout.
    expect(turns).toBeGreaterThan(5);
  }, 120_000);

  it('an input fitSweep refuses is a FitInputError carrying its message', async () => {
    const err = await fitInThread({ spec: testSpec({ law: { name: 'no-such-law', metric: 'eval_loss', bootstrap: 0 } }), results }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FitInputError);
    expect((err as Error).message).toMatch(/no-such-law/);
  }, 60_000);

  it('the fitLaws activity heartbeats while it fits, and a cancelled one stops its thread', async () => {
    const env = new MockActivityEnvironment();
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    const acts = createOrchestratorActivities({ gateway: collectingGateway() });
    const out = (await env.run(acts.fitLaws, { sweepId: 's', spec: bigFit, results })) as Awaited<ReturnType<typeof acts.fitLaws>>;
    expect(out.summary.reportId).toBe(1);
    expect(beats.length).toBeGreaterThanOrEqual(1);

    const cancelled = new MockActivityEnvironment();
    cancelled.on('heartbeat', () => cancelled.cancel('CANCELLED'));
    const err = await cancelled.run(acts.fitLaws, { sweepId: 's', spec: bigFit, results }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CancelledFailure);
  }, 120_000);
});
