/**
 * `replay` trainer plugin: answers a trial from a table of measured runs instead of training.
 * `config.params` (N) and `config.data` (D) select the run (exact match, or nearest in log space);
 * optional seeded multiplicative noise makes repeated seeds differ like real reruns; FLOPs are
 * counted as 6·N·D of the matched run; the loss curve streams through `ctx.emit` like a real trainer's.
 */
import type { TrialRequest, TrialResult } from '@slab/spec';
import { InvalidTrialError, type TrainerPlugin, type TrialContext } from '@slab/worker-sdk';
import { lossAt } from './curve';
import { dropHighest, loadRunTable, matchRun, resolveTable, type ReplayRun } from '@slab/laws/run-table';

export interface ReplayOptions {
  /** CSV path of the run table; a trial's `task.options.table` overrides it. */
  table?: string;
  /** In-memory runs instead of a CSV (tests, benches). */
  runs?: ReplayRun[];
  /** `nearest` (default) or `exact`: with `exact` an unmatched (N, D) fails the trial as invalid. */
  match?: 'exact' | 'nearest';
  /** Standard deviation of log-normal noise on every loss (0 = replay exactly). */
  noise?: number;
  /** Base noise seed, mixed with the trial id and its `seed` dimension (retries replay the same noise). */
  seed?: number;
  /** Drop the k highest-loss runs (5 for Chinchilla, per Besiroglu et al.). */
  dropHighest?: number;
  /** Simulated optimiser steps per trial (curve resolution); default 1000. */
  steps?: number;
  /** Wall-clock pause per logged point, to watch a sweep live (default 0: full speed). */
  stepDelayMs?: number;
}

/** 32-bit FNV-1a of a string, for per-trial noise streams. */
function hash(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** One standard normal draw from a 32-bit seed (two mulberry32 steps, Box–Muller). */
function gaussian(seed: number): number {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  return Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next());
}

const opt = <T>(o: Record<string, unknown> | undefined, k: string, check: (v: unknown) => boolean): T | undefined =>
  o && o[k] !== undefined && check(o[k]) ? (o[k] as T) : undefined;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

export function createReplayPlugin(opts: ReplayOptions = {}): TrainerPlugin {
  function settings(req: TrialRequest) {
    const o = req.task.options;
    const isNum = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
    return {
      match: opt<'exact' | 'nearest'>(o, 'match', (v) => v === 'exact' || v === 'nearest') ?? opts.match ?? 'nearest',
      noise: opt<number>(o, 'noise', isNum) ?? opts.noise ?? 0,
      seed: opt<number>(o, 'seed', isNum) ?? opts.seed ?? 0,
      dropHighest: opt<number>(o, 'dropHighest', isNum) ?? opts.dropHighest ?? 0,
      steps: Math.max(1, Math.round(opt<number>(o, 'steps', isNum) ?? opts.steps ?? 1000)),
    };
  }

  function runsFor(req: TrialRequest): ReplayRun[] {
    const s = settings(req);
    const own = opt<string>(req.task.options, 'table', (v) => typeof v === 'string');
    let runs: ReplayRun[];
    if (own !== undefined) runs = loadRunTable(resolveTable(own));
    else if (opts.runs) runs = opts.runs;
    else if (opts.table !== undefined) runs = loadRunTable(resolveTable(opts.table));
    else throw new InvalidTrialError('task.options.table: expected the path of a run table (CSV), got nothing');
    return dropHighest(runs, s.dropHighest);
  }

  function validate(req: TrialRequest): void {
    const { params, data } = req.config;
    if (!(typeof params === 'number' && params > 0))
      throw new InvalidTrialError(`config.params: expected a positive parameter count N (the replay plugin selects runs by params, not width), got ${JSON.stringify(params)}`);
    if (!(typeof data === 'number' && data > 0))
      throw new InvalidTrialError(`config.data: expected a positive data size D, got ${JSON.stringify(data)}`);
  }

  async function run(ctx: TrialContext): Promise<TrialResult> {
    const started = performance.now();
    const req = ctx.request;
    validate(req);
    const s = settings(req);
    let runs: ReplayRun[];
    try {
      runs = runsFor(req);
    } catch (e) {
      if (e instanceof InvalidTrialError) throw e;
      throw new InvalidTrialError(`task.options.table: ${(e as Error).message}`);
    }
    const m = matchRun(runs, req.config.params!, req.config.data!);
    if (s.match === 'exact' && !m.exact)
      throw new InvalidTrialError(
        `config: no run with params=${req.config.params} and data=${req.config.data} in the table (nearest: N=${m.run.N.toExponential(3)}, D=${m.run.D.toExponential(3)})`,
      );
    ctx.log(`replay ${req.trialId}: ${m.exact ? 'exact' : `nearest (log distance ${m.distance.toFixed(3)})`} run N=${m.run.N.toExponential(3)} D=${m.run.D.toExponential(3)} loss=${m.run.loss}`);
    // The seed dimension re-draws the noise, as a rerun with another seed would measure another loss.
    const factor = s.noise > 0 ? Math.exp(s.noise * gaussian(hash(`${req.trialId}|${req.config.seed ?? 0}`, s.seed))) : 1;
    const loss = (step: number) => lossAt(m.run, step / s.steps) * factor;

    const from = Math.min(ctx.resume?.step ?? 0, s.steps);
    const delay = opts.stepDelayMs ?? 0;
    for (let step = from + 1; step <= s.steps; step++) {
      if (ctx.signal.aborted) throw ctx.signal.reason instanceof Error ? ctx.signal.reason : new Error('replay: trial cancelled');
      const last = step === s.steps;
      if (step % req.logEvery === 0 || last) ctx.emit(step, 'train_loss', loss(step));
      if (step % req.evalEvery === 0 || last) ctx.emit(step, 'eval_loss', loss(step));
      if (step % req.checkpointEvery === 0 || last) ctx.progress({ step });
      if (delay > 0 && step % req.logEvery === 0) await sleep(delay, ctx.signal);
    }
    const final = loss(s.steps);
    return {
      trialId: req.trialId,
      status: 'completed',
      params: m.run.N,
      data: m.run.D,
      flops: 6 * m.run.N * m.run.D,
      final: { eval_loss: final, train_loss: final, match_distance: m.distance, ...(req.config.seed !== undefined ? { seed: req.config.seed } : {}) },
      resumedFromStep: from,
      steps: s.steps,
      backend: 'replay',
      wallSeconds: (performance.now() - started) / 1000,
    };
  }

  return {
    name: 'replay',
    async init() {
      if (opts.table) loadRunTable(resolveTable(opts.table)); // fail early on a bad default table
      return { backend: 'replay' };
    },
    validate,
    run,
  };
}
