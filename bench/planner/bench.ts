/**
 * Planner benchmark on a table of measured runs (tables.ts: the Chinchilla runs of Hoffmann et al.
 * 2022 as extracted by Besiroglu et al., or the (Mis)Fitting open_lm sweep), answered by the replay
 * plugin. The runs are split into the largest-compute 10 % (targets, never purchasable) and a pool. Each strategy buys pool
 * runs in batches through `planNext`; the adaptive one is refit after every batch. Evaluation is the
 * same for every strategy: fit the runs bought within a FLOP level and measure the held-out error.
 */
import { fitLaw, predict, type FitReport } from '@slab/laws';
import { planNext } from '@slab/planner';
import { parseSpec, type PlannerKind, type SweepSpec, type TrialConfig, type TrialResult } from '@slab/spec';
import { createReplayPlugin, type ReplayRun } from '@slab/worker-replay';

export interface Split {
  pool: ReplayRun[];
  held: ReplayRun[];
  poolFlops: number;
  /** Fit on the whole pool: the reference for the exponent and the "all runs" error. */
  reference: { mare: number; a: number; report: FitReport };
}

export const flopsOf = (r: { N: number; D: number }) => 6 * r.N * r.D;
const exponentA = (p: Record<string, number>) => p.beta / (p.alpha + p.beta);
/** A fit whose parameters overflowed (e.g. A = ∞ on a few small runs) gives no prediction at all. */
export const finiteFit = (r: FitReport) => Object.values(r.params).every(Number.isFinite);

/** Evaluation fit: Huber in log space, the law's small start grid, best 16 starts optimised. */
export function evalFit(runs: { N: number; D: number; loss: number }[]): FitReport {
  return fitLaw({ x: runs.map((r) => ({ N: r.N, D: r.D })), y: runs.map((r) => r.loss) }, { law: 'chinchilla', screen: 16 });
}

export function mare(report: FitReport, held: ReplayRun[]): number {
  return held.reduce((s, h) => s + Math.abs(predict(report, { N: h.N, D: h.D }) / h.loss - 1), 0) / held.length;
}

/** Targets = the top `heldFraction` of `runs` by C = 6ND (stable sort: file order breaks ties); pool = the rest. */
export function split(runs: ReplayRun[], heldFraction = 0.1): Split {
  const byC = [...runs].sort((a, b) => flopsOf(a) - flopsOf(b));
  const nHeld = Math.round(runs.length * heldFraction);
  const held = byC.slice(byC.length - nHeld);
  const pool = byC.slice(0, byC.length - nHeld);
  const report = evalFit(pool);
  return { pool, held, poolFlops: pool.reduce((s, r) => s + flopsOf(r), 0), reference: { mare: mare(report, held), a: exponentA(report.params), report } };
}

/** Geometric centre of the held-out runs: the adaptive planner's target point. */
export function targetPoint(held: ReplayRun[]): { N: number; D: number } {
  const g = (f: (r: ReplayRun) => number) => Math.exp(held.reduce((s, r) => s + Math.log(f(r)), 0) / held.length);
  return { N: g((r) => r.N), D: g((r) => r.D) };
}

/** The space [min, max] of N and D over a table's runs, as spec dimensions (log scale). */
export function tableDimensions(runs: ReplayRun[]): SweepSpec['dimensions'] {
  const range = (f: (r: ReplayRun) => number) => ({ min: Math.min(...runs.map(f)), max: Math.max(...runs.map(f)), scale: 'log' as const });
  return { params: range((r) => r.N), data: range((r) => r.D) };
}

/**
 * The sweep spec of one bench sweep: the base spec (examples/replay-chinchilla.yaml) with the
 * strategy, seed, batch size, FLOP budget and target set; `dimensions` replaces the base space
 * when given (another table's range).
 */
export function benchSpec(baseYaml: string, kind: PlannerKind, seed: number, flops: number, batchSize: number, target: { N: number; D: number }, dimensions?: SweepSpec['dimensions']): SweepSpec {
  const r = parseSpec(baseYaml);
  if (!r.ok) throw new Error(`replay-chinchilla.yaml: ${JSON.stringify(r.issues)}`);
  const spec = structuredClone(r.spec);
  if (dimensions) spec.dimensions = dimensions;
  // The replay plugin answers from the pool runs the bench hands it, never from the spec's table
  // (which would hold the targets too, and names the Chinchilla CSV whatever the table).
  if (spec.task.options) {
    delete spec.task.options.table;
    delete spec.task.options.dropHighest;
  }
  spec.planner = { ...spec.planner, kind, seed, batchSize };
  delete spec.planner.tolerance; // the bench runs every strategy to the same FLOP level
  spec.budget = { flops };
  spec.target = { kind: 'loss', at: target };
  return spec;
}

/** Grid order over a finite pool: IsoFLOP levels from the cheapest up, small to large N within a level. */
export function gridOrder(pool: ReplayRun[]): ReplayRun[] {
  return [...pool].sort((a, b) => flopsOf(a) - flopsOf(b) || a.N - b.N);
}

export interface SweepTrace {
  /** Runs in purchase order with their FLOPs. */
  bought: { N: number; D: number; loss: number; flops: number }[];
  stop?: string;
  fits: number;
  /** Refits whose best start had non-finite parameters: the planner got no fit (its seed mode) for that batch. */
  failedFits: number;
}

/** One sweep: plan → replay → (adaptive: refit with bootstrap) → repeat, until the planner stops. */
export async function runSweep(spec: SweepSpec, pool: ReplayRun[], opts: { bootstrap: number; minFitPoints: number }): Promise<SweepTrace> {
  const plugin = createReplayPlugin({ runs: pool, match: 'exact', steps: 10 });
  const ordered = spec.planner.kind === 'grid' ? gridOrder(pool) : pool;
  const candidates: TrialConfig[] = ordered.map((r) => ({ params: r.N, data: r.D }));
  const planned: TrialConfig[] = [];
  const results: TrialResult[] = [];
  const bought: SweepTrace['bought'] = [];
  let flopsSpent = 0;
  let fit: FitReport | undefined;
  let fits = 0;
  let failedFits = 0;
  for (let batch = 0; batch < 1000; batch++) {
    const out = planNext({ spec, batchIndex: batch, results, planned, fit, flopsSpent, trialsStarted: planned.length, candidates });
    if (out.stop || out.points.length === 0) return { bought, stop: out.stop ?? 'empty batch', fits, failedFits };
    if (process.env.BENCH_DEBUG) for (const p of out.points) console.log(batch, p.estFlops.toExponential(1), p.config.params?.toExponential(1), p.config.data?.toExponential(1), p.reason.match(/by [\d.]+%/)?.[0], p.reason.match(/sd .*$/)?.[0]);
    for (const p of out.points) {
      planned.push(p.config);
      const trialId = `bench-t${String(planned.length - 1).padStart(4, '0')}`;
      const result = await plugin.run({
        request: { sweepId: 'bench', trialId, task: spec.task, config: p.config, logEvery: 5, evalEvery: 5, checkpointEvery: 5 },
        emit: () => {},
        progress: () => {},
        signal: new AbortController().signal,
        checkpointDir: '',
        log: () => {},
      });
      results.push(result);
      flopsSpent += result.flops;
      bought.push({ N: result.params, D: result.data, loss: result.final.eval_loss!, flops: result.flops });
    }
    if (spec.planner.kind === 'adaptive' && bought.length >= opts.minFitPoints) {
      // Best of the small start grid, then a bootstrap warm-started from it (what the fitLaws activity reports).
      const best = evalFit(bought);
      // An overflowed fit cannot be warm-started or used; what a host does with an unusable fit:
      // plan without one (the adaptive planner's seed mode). Never happened on the Chinchilla table.
      if (!finiteFit(best)) {
        fit = undefined;
        failedFits++;
        continue;
      }
      fit = fitLaw(
        { x: bought.map((r) => ({ N: r.N, D: r.D })), y: bought.map((r) => r.loss) },
        { law: 'chinchilla', starts: [best.params], bootstrap: opts.bootstrap, seed: spec.planner.seed * 1000 + batch + 1 },
      );
      fits++;
    }
  }
  return { bought, stop: 'batch limit', fits, failedFits };
}

export interface LevelScore {
  level: number;
  runs: number;
  flops: number;
  /** null: too few runs to fit; Infinity: the fit overflowed (no finite prediction), a failure. */
  mare: number | null;
  aError: number | null;
}

/** Error of the law fitted on the runs bought within each FLOP level (as a fraction of the pool's FLOPs). */
export function scoreLevels(trace: SweepTrace, s: Split, levels: number[], minFitPoints: number): LevelScore[] {
  return levels.map((level) => {
    const cap = level * s.poolFlops;
    const prefix: SweepTrace['bought'] = [];
    let spent = 0;
    for (const b of trace.bought) {
      if (spent + b.flops > cap) break;
      prefix.push(b);
      spent += b.flops;
    }
    if (prefix.length < minFitPoints) return { level, runs: prefix.length, flops: spent, mare: null, aError: null };
    const rep = evalFit(prefix);
    const m = mare(rep, s.held);
    if (!finiteFit(rep) || !Number.isFinite(m)) return { level, runs: prefix.length, flops: spent, mare: Infinity, aError: Infinity };
    return { level, runs: prefix.length, flops: spent, mare: m, aError: Math.abs(exponentA(rep.params) - s.reference.a) };
  });
}
