/** Random: uniform draws (log-uniform on log dimensions) from the space, or a seeded shuffle of the candidates. */
import { emptyReason, fill, finitePool, plannedKeys } from '../pool';
import { createRng, mixSeed } from '../rng';
import { configFromUnit, configKey, spaceDims, toCandidate } from '../space';
import type { Candidate, Strategy } from '../types';

const RANDOM_SALT = 0x52414e44;

export const randomStrategy: Strategy = {
  kind: 'random',
  choose(ctx) {
    const { spec, batchIndex } = ctx.input;
    const rng = createRng(mixSeed(spec.planner.seed, batchIndex, RANDOM_SALT));
    const pool = finitePool(ctx.input, ctx.hooks);
    let ordered: Candidate[];
    if (pool) {
      // Fisher–Yates with the seeded stream.
      ordered = [...pool];
      for (let i = ordered.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [ordered[i], ordered[j]] = [ordered[j], ordered[i]];
      }
    } else {
      const seen = plannedKeys(ctx.input);
      const d = spaceDims(spec).length;
      ordered = [];
      for (let tries = 0; tries < 50 * ctx.slots && ordered.length < 4 * ctx.slots; tries++) {
        const c = configFromUnit(spec, Array.from({ length: d }, () => rng()));
        const k = configKey(c);
        if (seen.has(k)) continue;
        seen.add(k);
        ordered.push(toCandidate(spec, c, ctx.hooks));
      }
    }
    const { points, skippedForBudget } = fill(ordered, ctx, () => `random draw (seed ${spec.planner.seed}, batch ${batchIndex})`);
    if (points.length > 0) return { points };
    return { points, stop: emptyReason(ctx, skippedForBudget, 'no unplanned point left in the space') };
  },
};
