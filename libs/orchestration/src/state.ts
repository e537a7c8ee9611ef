/**
 * Pure helpers over the sweep's compact state (workflow-safe: no I/O, no clocks, no randomness).
 */
import type { SweepSpec, TrialConfig, TrialRequest, TrialResult, TrialStatus } from '@slab/spec';
import type { SweepCarriedState, SweepPhase, SweepStatus } from './contracts';

/** `${sweepId}-t0007`: stable across retries, replays and continue-as-new. */
export function trialIdFor(sweepId: string, index: number): string {
  return `${sweepId}-t${String(index).padStart(4, '0')}`;
}

export function initialState(): SweepCarriedState {
  // `counts` is filled in by the workflow as it starts (from `results`, for older carried states too).
  return { results: [], planned: [], nextTrialIndex: 0, batch: 0, flopsSpent: 0, paused: false };
}

export function trialRequest(sweepId: string, trialId: string, spec: SweepSpec, config: TrialConfig): TrialRequest {
  return {
    sweepId,
    trialId,
    task: spec.task,
    config,
    logEvery: spec.trial.logEvery,
    evalEvery: spec.trial.evalEvery,
    checkpointEvery: spec.trial.checkpointEvery,
  };
}

/** A trial that produced no result of its own (all attempts failed, cancelled, or never started). */
export function syntheticResult(trialId: string, config: TrialConfig, status: TrialStatus, reason: string): TrialResult {
  return {
    trialId,
    status,
    params: config.params ?? 0,
    data: config.data ?? 0,
    flops: 0,
    final: {},
    resumedFromStep: 0,
    steps: 0,
    backend: 'none',
    wallSeconds: 0,
    reason,
  };
}

export function countByStatus(results: TrialResult[]): Record<TrialStatus, number> {
  const counts: Record<TrialStatus, number> = { completed: 0, diverged: 0, failed: 0, stopped: 0 };
  for (const r of results) counts[r.status] += 1;
  return counts;
}

/** FLOPs a finished trial charges to the budget: its training plus any data scoring it paid for. */
export function chargedFlops(result: TrialResult): { total: number; scoring: number } {
  const scoring = result.final?.scoring_flops;
  const s = typeof scoring === 'number' && Number.isFinite(scoring) && scoring > 0 ? scoring : 0;
  return { total: result.flops + s, scoring: s };
}

/** Why the sweep must stop before planning another batch, if it must. */
export function budgetStop(spec: SweepSpec, state: SweepCarriedState): string | undefined {
  const { trials, flops } = spec.budget ?? {};
  if (trials !== undefined && state.nextTrialIndex >= trials) return `trial cap reached (${trials} trials)`;
  if (flops !== undefined && state.flopsSpent >= flops) {
    return `FLOP budget spent (${state.flopsSpent.toExponential(3)} of ${flops.toExponential(3)})`;
  }
  return undefined;
}

export function buildStatus(
  sweepId: string,
  spec: SweepSpec,
  state: SweepCarriedState,
  phase: SweepPhase,
  running: number,
  stopReason?: string,
): SweepStatus {
  const counts = state.counts ?? countByStatus(state.results);
  return {
    sweepId,
    name: spec.name,
    phase,
    batch: state.batch,
    trials: {
      planned: state.planned.length,
      running,
      completed: counts.completed,
      diverged: counts.diverged,
      failed: counts.failed,
    },
    flopsSpent: state.flopsSpent,
    ...(state.scoringFlops ? { scoringFlops: state.scoringFlops } : {}),
    budget: { ...spec.budget },
    ...(state.lastFit ? { lastFit: state.lastFit } : {}),
    ...(stopReason ? { stopReason } : {}),
    ...(phase === 'completed' && state.lastFit?.skipped ? { fitFailed: state.lastFit.skipped } : {}),
  };
}

/**
 * The message that says why: Temporal wraps an activity's error as "Activity task failed" with the
 * real failure as its cause (possibly nested); the innermost message is the one a user can act on.
 */
export function failureCause(err: unknown): string {
  let e = err as { message?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && typeof e === 'object' && e.cause && depth < 10; depth++) e = e.cause as typeof e;
  const message = e && typeof e === 'object' ? e.message : e;
  return typeof message === 'string' && message !== '' ? message : String(err);
}

/** Checks the parts of the spec the workflow relies on; returns `path: expected ..., got ...` lines. */
export function validateWorkflowInput(input: { sweepId?: unknown; spec?: Partial<SweepSpec> }): string[] {
  const issues: string[] = [];
  const posInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;
  const got = (v: unknown) => JSON.stringify(v) ?? String(v);
  if (typeof input.sweepId !== 'string' || input.sweepId.length === 0) {
    issues.push(`sweepId: expected a non-empty string, got ${got(input.sweepId)}`);
  }
  const spec = input.spec;
  if (!spec || typeof spec !== 'object') return [...issues, `spec: expected a sweep spec object, got ${got(spec)}`];
  if (!posInt(spec.parallelism)) issues.push(`spec.parallelism: expected a positive integer, got ${got(spec.parallelism)}`);
  if (typeof spec.resourceClass !== 'string' || spec.resourceClass.length === 0) {
    issues.push(`spec.resourceClass: expected a task queue name, got ${got(spec.resourceClass)}`);
  }
  if (!spec.trial || typeof spec.trial !== 'object') {
    issues.push(`spec.trial: expected an object, got ${got(spec.trial)}`);
  } else {
    if (!(typeof spec.trial.timeoutSeconds === 'number' && spec.trial.timeoutSeconds > 0)) {
      issues.push(`spec.trial.timeoutSeconds: expected a positive number, got ${got(spec.trial.timeoutSeconds)}`);
    }
    const hb = spec.trial.heartbeatSeconds;
    if (hb !== undefined && !(typeof hb === 'number' && hb > 0)) {
      issues.push(`spec.trial.heartbeatSeconds: expected a positive number, got ${got(hb)}`);
    }
    if (!posInt(spec.trial.maxAttempts)) {
      issues.push(`spec.trial.maxAttempts: expected a positive integer, got ${got(spec.trial.maxAttempts)}`);
    }
  }
  // A grid is finite by itself; every other planner needs a budget to end.
  const unbounded = !spec.budget || typeof spec.budget !== 'object' || (spec.budget.trials === undefined && spec.budget.flops === undefined);
  if (unbounded && spec.planner?.kind !== 'grid') {
    issues.push(`spec.budget: expected flops and/or trials for planner ${got(spec.planner?.kind)}, got ${got(spec.budget)}`);
  }
  return issues;
}
