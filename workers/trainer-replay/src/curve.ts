/**
 * The loss curve a replayed trial streams. With a measured curve it is interpolated (log-log in
 * the fraction of training). Without one the curve is synthesised from the final loss with a
 * documented shape: L(f) = L_final · f^(−γ), γ = 0.08, for f the fraction of the run's data seen —
 * a power law in data seen, the shape of data-scaling laws, ending exactly at the measured loss.
 */
import type { ReplayRun } from '@slab/laws/run-table';

export const SYNTH_GAMMA = 0.08;

export function lossAt(run: ReplayRun, fraction: number): number {
  const f = Math.min(1, Math.max(fraction, 1e-6));
  const c = run.curve;
  if (!c || c.length === 0) return run.loss * Math.pow(f, -SYNTH_GAMMA);
  if (f <= c[0].fraction) return c[0].loss;
  for (let i = 1; i < c.length; i++) {
    if (f <= c[i].fraction) {
      const t = (Math.log(f) - Math.log(c[i - 1].fraction)) / (Math.log(c[i].fraction) - Math.log(c[i - 1].fraction));
      return Math.exp(Math.log(c[i - 1].loss) + t * (Math.log(c[i].loss) - Math.log(c[i - 1].loss)));
    }
  }
  return c[c.length - 1].loss;
}
