/**
 * Space-filling: successive points of a seeded-shift Sobol sequence, continuing where earlier batches
 * stopped (index = points planned so far), so the union of all batches stays low-discrepancy.
 * With a finite candidate set each Sobol point takes its nearest unplanned candidate.
 */
import { emptyReason, fill, finitePool, plannedKeys } from '../pool';
import { mixSeed } from '../rng';
import { sobolPoints } from '../sobol';
import { configFromUnit, configKey, spaceDims, toCandidate } from '../space';
import type { Candidate, Strategy } from '../types';

const SOBOL_SALT = 0x534f424c;

export const sobolStrategy: Strategy = {
  kind: 'sobol',
  choose(ctx) {
    const { spec, planned } = ctx.input;
    const d = Math.max(1, spaceDims(spec).length);
    const seed = mixSeed(spec.planner.seed, SOBOL_SALT);
    const pool = finitePool(ctx.input, ctx.hooks);
    const want = 4 * ctx.slots;
    const ordered: Candidate[] = [];
    const from = planned.length + 1;
    const seq = sobolPoints(d, from, 50 * ctx.slots, seed);
    if (pool) {
      const free = [...pool];
      for (const u of seq) {
        if (free.length === 0 || ordered.length >= want) break;
        let best = 0;
        let bestD = Infinity;
        free.forEach((c, i) => {
          const dist = c.unit.reduce((s, x, j) => s + (x - u[j]) ** 2, 0);
          if (dist < bestD) [best, bestD] = [i, dist];
        });
        ordered.push(free.splice(best, 1)[0]);
      }
    } else {
      const seen = plannedKeys(ctx.input);
      for (const u of seq) {
        if (ordered.length >= want) break;
        const c = configFromUnit(spec, u);
        if (seen.has(configKey(c))) continue;
        seen.add(configKey(c));
        ordered.push(toCandidate(spec, c, ctx.hooks));
      }
    }
    const { points, skippedForBudget } = fill(ordered, ctx, (_, i) => `Sobol point ${from + i} (space-filling)`);
    if (points.length > 0) return { points };
    return { points, stop: emptyReason(ctx, skippedForBudget, 'no unplanned point left in the space') };
  },
};
