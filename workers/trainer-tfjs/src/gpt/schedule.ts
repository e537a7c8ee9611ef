/**
 * Learning-rate schedules: a pure function of the step, so a resumed run gets the same rates.
 * All start with a linear warm-up from 0 over `warmup` steps.
 *   constant: peak after warm-up.
 *   cosine:   half a cosine from peak to `floor`·peak at the last step (Loshchilov & Hutter 2017).
 *   linear:   straight line from peak to `floor`·peak at the last step.
 *   wsd:      warm-up, stable at peak, then a linear cooldown to `floor`·peak over the last
 *             `cooldown` fraction of the steps (Hu et al. 2024, MiniCPM; Hägele et al. 2024).
 */
export const SCHEDULES = ['constant', 'cosine', 'linear', 'wsd'] as const;
export type ScheduleKind = (typeof SCHEDULES)[number];

export interface Schedule {
  kind: ScheduleKind;
  /** Peak learning rate. */
  peak: number;
  /** Total optimiser steps. */
  steps: number;
  /** Warm-up steps (0 for none). */
  warmup: number;
  /** Final LR as a fraction of the peak (cosine, linear, wsd). */
  floor: number;
  /** wsd: fraction of all steps spent cooling down, in (0, 1]. */
  cooldown: number;
}

/** Learning rate of 1-based step `t` (the update that ends at step t). */
export function learningRateAt(s: Schedule, t: number): number {
  if (s.warmup > 0 && t <= s.warmup) return (s.peak * t) / s.warmup;
  const low = s.floor * s.peak;
  const span = Math.max(1, s.steps - s.warmup);
  const progress = Math.min(1, Math.max(0, (t - s.warmup) / span));
  switch (s.kind) {
    case 'constant':
      return s.peak;
    case 'cosine':
      return low + 0.5 * (s.peak - low) * (1 + Math.cos(Math.PI * progress));
    case 'linear':
      return s.peak - (s.peak - low) * progress;
    case 'wsd': {
      const decaySteps = Math.max(1, Math.round(s.cooldown * s.steps));
      const start = s.steps - decaySteps;
      if (t <= start) return s.peak;
      return s.peak - (s.peak - low) * Math.min(1, (t - start) / decaySteps);
    }
  }
}
