/** The `tfjs` trainer plugin: backend choice and data loading once per process, one loop per trial. */
import { loadFashionMnist, syntheticTeacherDataset, type ClassificationDataset } from '@slab/datasets';
import type { TrainerPlugin, TrialContext, TrialRequest, TrialResult } from '@slab/worker-sdk';
import { selectBackend, type BackendPreference } from './backend';
import { planTrial, type TrainingPlan } from './plan';
import { trainTrial } from './train';

export interface TfjsPluginOptions {
  /** Backend preference (default `auto`: tfjs-node-gpu > tfjs-node > wasm > cpu). */
  backend?: BackendPreference;
  /** Fashion-MNIST directory (default: SLAB_FASHION_MNIST_DIR, then the Debian package's). */
  dataDir?: string;
  /** Where the backend choice is logged (default console.log). */
  log?: (line: string) => void;
}

export function loadDataset(plan: TrainingPlan, dataDir?: string): ClassificationDataset {
  return plan.dataset === 'fashion-mnist' ? loadFashionMnist(dataDir) : syntheticTeacherDataset(plan.synthetic);
}

export function createTfjsPlugin(opts: TfjsPluginOptions = {}): TrainerPlugin {
  const log = opts.log ?? ((l: string) => console.log(l));
  let backend: Promise<{ backend: string }> | undefined;
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
      planTrial(request);
    },
    async run(ctx: TrialContext): Promise<TrialResult> {
      const plan = planTrial(ctx.request);
      const { backend: label } = await init();
      const ds = loadDataset(plan, opts.dataDir);
      ctx.log(
        `${ctx.request.trialId}: ${plan.model.kind} width ${plan.model.width} (N=${plan.params}), ` +
          `D=${plan.data}, ${plan.steps} steps of ${plan.batchSize} on ${label}`,
      );
      return trainTrial(ctx, plan, ds, label);
    },
  };
}
