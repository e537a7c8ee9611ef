/** The `tfjs` trainer plugin: backend choice and data loading once per process, one loop per trial. */
import { loadFashionMnist, syntheticTeacherDataset, type ClassificationDataset } from '@slab/datasets';
import type { TrainerPlugin, TrialContext, TrialRequest, TrialResult } from '@slab/worker-sdk';
import { resolve } from 'node:path';
import { selectBackend, type BackendPreference } from './backend';
import { curatePool, curatePools } from './curation';
import { planGptTrial } from './gpt/plan';
import { loadGptData, trainGptTrial } from './gpt/train';
import { withLabelNoise } from './noise';
import { planTrial, type TrainingPlan } from './plan';
import { WorkerScoreCache } from './scoreCache';
import { trainTrial } from './train';

export interface TfjsPluginOptions {
  /** Backend preference (default `auto`: tfjs-node-gpu > tfjs-node > wasm > cpu). */
  backend?: BackendPreference;
  /** Fashion-MNIST directory (default: SLAB_FASHION_MNIST_DIR, then the Debian package's). */
  dataDir?: string;
  /** Where the backend choice is logged (default console.log). */
  log?: (line: string) => void;
  /**
   * Directory of the curation score files. Default: `<checkpointRoot>/score-cache`, i.e. two levels
   * above the trial's checkpoint dir (the worker SDK's `<root>/<sweepId>/<trialId>` layout).
   */
  scoreCacheDir?: string;
}

const noisy = new WeakMap<ClassificationDataset, Map<number, ClassificationDataset>>();

/** The plan's dataset, with its label noise applied (memoised per base dataset and fraction). */
export function loadDataset(plan: TrainingPlan, dataDir?: string): ClassificationDataset {
  const base = plan.dataset === 'fashion-mnist' ? loadFashionMnist(dataDir) : syntheticTeacherDataset(plan.synthetic);
  if (!plan.labelNoise) return base;
  let byFraction = noisy.get(base);
  if (!byFraction) noisy.set(base, (byFraction = new Map()));
  let ds = byFraction.get(plan.labelNoise);
  if (!ds) byFraction.set(plan.labelNoise, (ds = withLabelNoise(base, plan.labelNoise)));
  return ds;
}

export function createTfjsPlugin(opts: TfjsPluginOptions = {}): TrainerPlugin {
  const log = opts.log ?? ((l: string) => console.log(l));
  let backend: Promise<{ backend: string }> | undefined;
  // One cache per directory for the process's life: memory hits skip even the file read.
  const caches = new Map<string, WorkerScoreCache>();
  const cacheFor = (checkpointDir: string): WorkerScoreCache => {
    const dir = opts.scoreCacheDir ?? resolve(checkpointDir, '..', '..', 'score-cache');
    let c = caches.get(dir);
    if (!c) caches.set(dir, (c = new WorkerScoreCache(dir)));
    return c;
  };
  const init = (): Promise<{ backend: string }> => {
    if (!backend) {
      const attempt = selectBackend(opts.backend ?? 'auto', log).then((c) => ({ backend: c.label }));
      backend = attempt;
      attempt.catch(() => {
        if (backend === attempt) backend = undefined; // let a later trial try again
      });
    }
    return backend;
  };
  return {
    name: 'tfjs',
    init,
    validate(request: TrialRequest): void {
      if (request.task?.model === 'gpt') planGptTrial(request);
      else planTrial(request);
    },
    async run(ctx: TrialContext): Promise<TrialResult> {
      if (ctx.request.task?.model === 'gpt') {
        const plan = planGptTrial(ctx.request);
        const { backend: label } = await init();
        const data = await loadGptData(plan);
        const m = plan.model;
        ctx.log(
          `${ctx.request.trialId}: gpt d${m.width}/${m.depth} layers/${m.heads} heads (N=${plan.params}, non-embedding ${plan.paramsNonEmbedding}), ` +
            `D=${plan.data} tokens, ${plan.steps} steps of ${plan.batchSize}×${m.context} on ${label}`,
        );
        return trainGptTrial(ctx, plan, data, label);
      }
      const plan = planTrial(ctx.request);
      const { backend: label } = await init();
      const ds = loadDataset(plan, opts.dataDir);
      ctx.log(
        `${ctx.request.trialId}: ${plan.model.kind} width ${plan.model.width} (N=${plan.params}), ` +
          `D=${plan.data}, ${plan.steps} steps of ${plan.batchSize} on ${label}`,
      );
      let curated;
      if (plan.curation || plan.pools) {
        const t0 = Date.now();
        const cache = cacheFor(ctx.checkpointDir);
        curated = plan.pools ? curatePools(plan, ds, cache, ctx.request.trialId) : curatePool(plan, ds, cache, ctx.request.trialId);
        const r = curated.report;
        ctx.log(
          `${ctx.request.trialId}: curation ${r.strategy} kept ${r.kept} of ${r.total} candidates ` +
            `(${curated.final.curation_passes.toFixed(2)} passes), scoring ${r.cacheHit ? 'cached' : `${r.scoringFlops.toExponential(2)} FLOPs`}, ${((Date.now() - t0) / 1000).toFixed(1)} s`,
        );
      }
      return trainTrial(ctx, plan, ds, label, curated);
    },
  };
}
