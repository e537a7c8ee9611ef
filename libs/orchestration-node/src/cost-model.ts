/**
 * Can a trial finish within `trial.timeoutSeconds`? A cost model of the built-in tfjs trainer on CPU,
 * so a spec whose largest trial cannot finish in time is refused at validate time instead of timing
 * out `maxAttempts` times and failing hours later.
 *
 * Training cost is C ≈ 6·N·D FLOPs (Kaplan et al. 2020, "Scaling Laws for Neural Language Models",
 * §2.1: forward + backward of a dense network), N from the planner's parameter count and D samples
 * (tokens for `gpt`). The rate is the fastest tfjs-node rate measured in bench/trainer/README.md, per
 * CPU-second: GPT d256/4L 1,552 tokens/s × 6 × 3.26e6 params ≈ 3.0e10 FLOP/s, MLP w512 5,777 samples/s
 * × 6 × 6.7e5 params ≈ 2.3e10 FLOP/s. A worker's cores multiply that, and the node that validates is not
 * the node that trains, so the bound assumes a generous CPU_CORES_BOUND cores at the best rate: a trial
 * refused here cannot finish on any CPU node we know of. For a CNN 6·N·D undercounts (weights are
 * shared across positions), so its estimate is also a lower bound. Only the `cpu` resource class is
 * checked: no GPU rate has been measured (README: no GPU was available).
 */
import { estFlops } from '@slab/planner';
import { enumerateGrid, type SpecIssue, type SweepSpec, type TrialConfig } from '@slab/spec';

/** Best measured tfjs-node training rate per CPU-second, FLOP/s (bench/trainer/README.md). */
export const TFJS_CPU_FLOPS_PER_CORE_SECOND: Readonly<Record<'gpt' | 'mlp', number>> = { gpt: 3.0e10, mlp: 2.3e10 };
/** Cores of the fastest CPU node the bound allows for. */
export const CPU_CORES_BOUND = 64;

/** The trial configs with the most FLOPs a spec can plan: its grid, or the upper corner of its ranges. */
function extremeConfigs(spec: SweepSpec): TrialConfig[] {
  const dims = Object.values(spec.dimensions);
  if (dims.every((d) => d && 'values' in d)) return enumerateGrid(spec);
  const corner: Record<string, unknown> = {};
  for (const [name, dim] of Object.entries(spec.dimensions)) {
    if (!dim) continue;
    if ('values' in dim) {
      const numbers = (dim.values as unknown[]).filter((v): v is number => typeof v === 'number');
      corner[name] = numbers.length === dim.values.length && numbers.length > 0 ? Math.max(...numbers) : dim.values[0];
    } else if ('max' in dim) corner[name] = (dim as { max: number }).max;
  }
  return [corner as TrialConfig];
}

/**
 * Issues for trials that cannot finish within `trial.timeoutSeconds` on a CPU worker even at the bound
 * above; [] when the spec is not a tfjs sweep on the `cpu` class or its size cannot be estimated.
 */
export function trainingTimeIssues(spec: SweepSpec): SpecIssue[] {
  if (spec.task.plugin !== 'tfjs' || spec.resourceClass !== 'cpu') return [];
  const perCore = spec.task.model === 'gpt' ? TFJS_CPU_FLOPS_PER_CORE_SECOND.gpt : TFJS_CPU_FLOPS_PER_CORE_SECOND.mlp;
  const rate = perCore * CPU_CORES_BOUND;
  let worst: { config: TrialConfig; flops: number } | undefined;
  try {
    for (const config of extremeConfigs(spec)) {
      const flops = estFlops(spec, config, {});
      if (!worst || flops > worst.flops) worst = { config, flops };
    }
  } catch {
    return []; // a model whose size the planner cannot derive without its plugin: nothing to bound
  }
  if (!worst) return [];
  const seconds = worst.flops / rate;
  if (seconds <= spec.trial.timeoutSeconds) return [];
  const where = Object.entries(worst.config).map(([k, v]) => `${k}=${String(v)}`).join(', ');
  return [
    {
      path: 'trial.timeoutSeconds',
      message:
        `expected room for the largest trial (${where}): 6·N·D = ${worst.flops.toExponential(2)} FLOPs take at least ` +
        `${Math.ceil(seconds).toLocaleString('en-US')} s even at ${CPU_CORES_BOUND} cores × ${perCore.toExponential(1)} FLOP/s ` +
        `(the best tfjs-node rate measured on CPU), more than timeoutSeconds ${spec.trial.timeoutSeconds}; raise timeoutSeconds or shrink data`,
    },
  ];
}
