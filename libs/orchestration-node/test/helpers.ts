/** In-test parts for the server-backed sweep tests: a tiny trainer plugin and a report collector. */
import { setTimeout as delay } from 'node:timers/promises';
import type { SweepSpec, TrialResult } from '@slab/spec';
import type { FitSummary, SweepReport } from '@slab/orchestration';
import type { MetricEmitterLike, TrainerPlugin } from '@slab/worker-sdk';
import type { TrialRow } from '@slab/api';
import type { GatewayLike } from '../src';

/** Known synthetic law the plugin's "training" follows, so the fit has something true to find. */
export const TRUE_LAW = { E: 1.7, A: 400, alpha: 0.34, B: 4000, beta: 0.28 };
export const lossAt = (n: number, d: number) =>
  TRUE_LAW.E + TRUE_LAW.A / Math.pow(n, TRUE_LAW.alpha) + TRUE_LAW.B / Math.pow(d, TRUE_LAW.beta);

export interface PluginProbe {
  started: string[];
  maxRunning: number;
  running: number;
  attempts: Map<string, number>;
  /** While held, trials wait (heartbeating) until release() or cancellation. */
  hold(): void;
  release(): void;
}

/**
 * A 5-step "trainer": reports loss from TRUE_LAW; params 3000 with data 1000 always crashes (to test
 * a trial failing all attempts), params 64000 with data 1000 diverges.
 */
export function syntheticPlugin(): { plugin: TrainerPlugin; probe: PluginProbe } {
  let gate: { promise: Promise<void>; open: () => void } | undefined;
  const probe: PluginProbe = {
    started: [],
    maxRunning: 0,
    running: 0,
    attempts: new Map(),
    hold() {
      let open!: () => void;
      const promise = new Promise<void>((r) => (open = r));
      gate = { promise, open };
    },
    release() {
      gate?.open();
      gate = undefined;
    },
  };
  const plugin: TrainerPlugin = {
    name: 'synthetic',
    init: async () => ({ backend: 'synthetic-cpu' }),
    async run(ctx) {
      const { trialId, config } = ctx.request;
      const n = config.params ?? 1000;
      const d = config.data ?? 1000;
      probe.attempts.set(trialId, (probe.attempts.get(trialId) ?? 0) + 1);
      if (!probe.started.includes(trialId)) probe.started.push(trialId);
      probe.running += 1;
      probe.maxRunning = Math.max(probe.maxRunning, probe.running);
      try {
        if (gate) {
          const beat = setInterval(() => ctx.progress({ step: 0 }), 100);
          const aborted = new Promise<void>((r) => ctx.signal.addEventListener('abort', () => r(), { once: true }));
          await Promise.race([gate.promise, aborted]);
          clearInterval(beat);
        }
        if (n === 3000 && d === 1000) throw new Error('synthetic crash for params=3000, data=1000');
        const steps = 5;
        for (let step = ctx.resume ? ctx.resume.step + 1 : 0; step < steps; step++) {
          if (ctx.signal.aborted) break;
          ctx.emit(step, 'train_loss', lossAt(n, d) * (1 + (steps - step) / steps));
          ctx.progress({ step });
          await delay(1);
        }
        const diverged = n === 64000 && d === 1000;
        const result: TrialResult = {
          trialId, status: diverged ? 'diverged' : 'completed', params: n, data: d, flops: 6 * n * d,
          final: { eval_loss: diverged ? null : lossAt(n, d) }, resumedFromStep: ctx.resume?.step ?? 0,
          steps, backend: 'synthetic-cpu', wallSeconds: 0.01, ...(diverged ? { reason: 'loss became NaN' } : {}),
        };
        return result;
      } finally {
        probe.running -= 1;
      }
    },
  };
  return { plugin, probe };
}

/** An in-memory gateway: reports in order, and stored fit reports by id (as the store numbers them). */
export function collectingGateway(): GatewayLike & { reports: SweepReport[]; fits: { summary: FitSummary; report: unknown }[] } {
  const reports: SweepReport[] = [];
  const fits: { summary: FitSummary; report: unknown }[] = [];
  return {
    reports,
    fits,
    async report(_sweepId, report) {
      reports.push(structuredClone(report));
    },
    async addFit(_sweepId, fit) {
      fits.push(structuredClone(fit));
      return { id: fits.length };
    },
    // The store's view, rebuilt from the reports (as the gateway stores them).
    async trials(sweepId) {
      const rows = new Map<string, TrialRow>();
      for (const r of reports.filter((x) => x.status.sweepId === sweepId)) {
        for (const t of r.newTrials ?? []) rows.set(t.trialId, { id: t.trialId, sweepId, index: Number(t.trialId.split('-t').at(-1)), config: t.config, status: 'planned', lastSeq: 0, createdAt: '', updatedAt: '' });
        for (const f of r.finished ?? []) {
          const row = rows.get(f.trialId);
          if (row) rows.set(f.trialId, { ...row, status: f.status, params: f.params, data: f.data, flops: f.flops, final: f.final, backend: f.backend, ...(f.reason ? { reason: f.reason } : {}) });
        }
      }
      return [...rows.values()];
    },
  };
}

export function collectingEmitter(): MetricEmitterLike & { events: { trialId: string; status: string }[] } {
  const events: { trialId: string; status: string }[] = [];
  return {
    events,
    openTrial: (_sweepId, trialId) => ({
      point: () => undefined,
      event: (status) => events.push({ trialId, status }),
      flush: async () => undefined,
    }),
  };
}

export function testSpec(overrides: Partial<SweepSpec> = {}): SweepSpec {
  return {
    name: 'synthetic-chinchilla',
    task: { dataset: 'synthetic', model: 'mlp', plugin: 'synthetic' },
    dimensions: { params: { values: [1000, 3000, 8000, 64000] }, data: { values: [1000, 10000] } },
    budget: { trials: 8 },
    parallelism: 2,
    resourceClass: 'synthetic-cpu',
    planner: { kind: 'grid', batchSize: 4, seed: 7 },
    law: { name: 'chinchilla', metric: 'eval_loss', bootstrap: 0 },
    target: { kind: 'loss', at: { N: 1e6, D: 1e6 } },
    trial: { logEvery: 1, evalEvery: 5, checkpointEvery: 1, timeoutSeconds: 60, heartbeatSeconds: 2, maxAttempts: 2 },
    ...overrides,
  };
}

/** Polls `read` until `ok` holds (a wait, not a timing assertion). */
export async function waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  let last: T | undefined;
  while (Date.now() < until) {
    last = await read();
    if (ok(last)) return last;
    await delay(100);
  }
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
}
