/** Grid: the cartesian product (or the given candidates) in order, cheapest-first never reorders it. */
import { emptyReason, fill, finitePool } from '../pool';
import type { Strategy } from '../types';

export const gridStrategy: Strategy = {
  kind: 'grid',
  choose(ctx) {
    const pool = finitePool(ctx.input, ctx.hooks);
    if (!pool) throw new Error('planner: grid needs explicit values on every dimension');
    const total = pool.length + ctx.input.planned.length;
    const { points, skippedForBudget } = fill(pool, ctx, (_, i) => `grid point ${ctx.input.planned.length + i + 1} of ${total}`);
    if (points.length > 0) return { points };
    return { points, stop: emptyReason(ctx, skippedForBudget, `grid exhausted: all ${total} points planned`) };
  },
};
