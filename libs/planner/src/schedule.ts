/**
 * Budget-aware spending for the adaptive planner: seed cheaply, then let each batch spend about
 * `growth` times what was spent before it (compute grows geometrically, as in a scaling ladder).
 * Why: a law fitted after any prefix of the sweep should already be usable, so early FLOPs go to
 * many cheap runs across scales and later FLOPs to the few runs closest to the target.
 */

/** Share of the FLOP budget the seed design may use (the rest grows ×2.5 a batch from there). */
export const SEED_SHARE = 1 / 16;
/** Each adaptive batch may spend this many times the FLOPs already committed. */
export const GROWTH = 1.5;

/** Largest cost of one seed point: the seed's share of the budget split over its points; Infinity without a budget. */
export function seedPointCap(budgetFlops: number | undefined, seedPoints: number): number {
  return budgetFlops === undefined ? Infinity : (budgetFlops * SEED_SHARE) / seedPoints;
}

/**
 * FLOPs one adaptive batch may commit: `growth` × the FLOPs committed so far (spent and in flight),
 * never more than what is left, never less than `floor` (the seed's cost, so a sweep with no spend
 * can start).
 */
export function batchAllowance(committed: number, left: number, floor: number, growth = GROWTH): number {
  if (!(committed >= 0)) throw new Error(`planner: committed FLOPs must be ≥ 0, got ${committed}`);
  return Math.min(left, Math.max(floor, growth * committed));
}

/**
 * True when a batch's allowance is everything left: the ladder cannot climb further, so the
 * per-point cap (which only paces the climb) no longer applies and the rest may go to one run.
 * Measured in bench/planner: without this the sweep's end buys cheap short runs and the held-out
 * error rises with budget on both tables.
 */
export function lastRung(allowance: number, left: number): boolean {
  return allowance >= left;
}
