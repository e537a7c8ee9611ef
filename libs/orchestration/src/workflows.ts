/**
 * sweepWorkflow: plan a batch → run its trials with a sliding window of `spec.parallelism` on the
 * spec's task queue → fit → report → repeat, until the planner stops, the budget is spent, or the
 * sweep is cancelled. Deterministic and thin: planning, fitting and reporting are activities.
 * This file is the bundle entry (`workflowsPath`): it exports workflows only.
 */
import {
  ActivityCancellationType,
  ApplicationFailure,
  CancellationScope,
  ContinueAsNew,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { TrialResult } from '@slab/spec';
import {
  ORCHESTRATOR_QUEUE,
  type OrchestratorActivities,
  type FitSummary,
  type PlannedPoint,
  type SweepPhase,
  type SweepReport,
  type SweepStatus,
  type SweepWorkflowInput,
  type TrainerActivities,
} from './contracts';
import { cancelSignal, pauseSignal, resumeSignal, statusQuery, stopSignal } from './messages';
import { FIT_HEARTBEAT_TIMEOUT_MS, fitLawsTimeoutMs } from './timeouts';
import { budgetStop, buildStatus, chargedFlops, countByStatus, failureCause, initialState, syntheticResult, trialIdFor, trialRequest, validateWorkflowInput } from './state';

export const DEFAULT_HISTORY_LIMIT = 8000;
/** Used when a spec (e.g. one carried from before the field existed) has no trial.heartbeatSeconds. */
export const DEFAULT_HEARTBEAT_SECONDS = 30;
/** Error types a trial attempt may throw that retrying can never fix. */
export const NON_RETRYABLE_TRIAL_ERRORS = ['InvalidTrialError', 'InvalidConfig'];

// Planning and fitting are CPU work on small inputs; retry a few times, then fail the sweep.
// Errors the activity marks InvalidConfig (bad spec for the planner or law) are not retried.
const orchestratorRetry = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '20s', maximumAttempts: 5, nonRetryableErrorTypes: ['InvalidConfig'] };
const planner = proxyActivities<Pick<OrchestratorActivities, 'planBatch'>>({
  taskQueue: ORCHESTRATOR_QUEUE,
  startToCloseTimeout: '1 minute',
  retry: orchestratorRetry,
});
// Reports only inform the gateway; ride out a few minutes of gateway downtime, then go on without.
const reporter = proxyActivities<Pick<OrchestratorActivities, 'reportSweep'>>({
  taskQueue: ORCHESTRATOR_QUEUE,
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '15s', maximumAttempts: 20 },
});

interface PendingTrial {
  trialId: string;
  point: PlannedPoint;
}

export async function sweepWorkflow(input: SweepWorkflowInput): Promise<SweepStatus> {
  const issues = validateWorkflowInput(input);
  if (issues.length > 0) throw ApplicationFailure.nonRetryable(issues.join('; '), 'InvalidConfig');

  const { sweepId, spec } = input;
  const state = input.carried ?? initialState();
  const historyLimit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  const trainer = proxyActivities<TrainerActivities>({
    taskQueue: spec.resourceClass,
    startToCloseTimeout: spec.trial.timeoutSeconds * 1000,
    // Detects dead workers; cancellation also reaches a trial only through its heartbeats.
    heartbeatTimeout: (spec.trial.heartbeatSeconds ?? DEFAULT_HEARTBEAT_SECONDS) * 1000,
    // Wait for the trainer to acknowledge cancellation so its 'stopped' event is out before we report.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: { maximumAttempts: spec.trial.maxAttempts, nonRetryableErrorTypes: NON_RETRYABLE_TRIAL_ERRORS },
  });

  // A bootstrap over many runs can take minutes: the fit heartbeats, and its timeout grows with its work.
  const fitter = proxyActivities<Pick<OrchestratorActivities, 'fitLaws'>>({
    taskQueue: ORCHESTRATOR_QUEUE,
    startToCloseTimeout: fitLawsTimeoutMs(spec),
    heartbeatTimeout: FIT_HEARTBEAT_TIMEOUT_MS,
    retry: orchestratorRetry,
  });

  let phase: SweepPhase = state.paused ? 'paused' : 'planning';
  let running = 0;
  let cancelled = false;
  let cancelReason = 'cancelled by user';
  /** The stop signal: no new trials; the running ones finish (cancel still cuts them short). */
  let stopping = false;
  let stopReason: string | undefined;
  let trialScope: CancellationScope | undefined;
  let finishedSinceReport: TrialResult[] = [];

  const status = (): SweepStatus =>
    buildStatus(sweepId, spec, state, state.paused && phase === 'running' ? 'paused' : phase, running, stopReason);

  setHandler(statusQuery, status);
  setHandler(pauseSignal, () => {
    state.paused = true;
  });
  setHandler(resumeSignal, () => {
    state.paused = false;
  });
  setHandler(cancelSignal, (reason?: string) => {
    if (cancelled) return;
    cancelled = true;
    if (reason) cancelReason = reason;
    trialScope?.cancel();
  });
  setHandler(stopSignal, (reason?: string) => {
    if (cancelled || stopping) return;
    stopping = true;
    cancelReason = reason ?? 'stopped by user: running trials finished, no new ones started';
  });

  const report = async (extra: Omit<SweepReport, 'status'> = {}): Promise<void> => {
    const finished = finishedSinceReport;
    finishedSinceReport = [];
    const body: SweepReport = { status: status(), ...extra, ...(finished.length ? { finished } : {}) };
    try {
      await reporter.reportSweep(sweepId, body);
    } catch (err) {
      if (isCancellation(err)) throw err;
      log.warn('reportSweep failed; going on without this report', { sweepId, error: String(err) });
      return;
    }
    // Stored: these results now live in the store; activities load them from there.
    if (finished.length > 0) {
      const done = new Set(finished.map((r) => r.trialId));
      const before = state.results.length;
      state.results = state.results.filter((r) => !done.has(r.trialId));
      state.stored = (state.stored ?? 0) + (before - state.results.length);
    }
  };

  // States carried from before results were dropped once stored: count what they carry.
  state.counts ??= countByStatus(state.results);

  const record = (result: TrialResult): void => {
    state.results.push(result);
    state.counts![result.status] += 1;
    const charged = chargedFlops(result);
    state.flopsSpent += charged.total;
    if (charged.scoring > 0) state.scoringFlops = (state.scoringFlops ?? 0) + charged.scoring;
    finishedSinceReport.push(result);
  };

  const runOne = async (trial: PendingTrial, scope: CancellationScope): Promise<void> => {
    running += 1;
    try {
      const request = trialRequest(sweepId, trial.trialId, spec, trial.point.config);
      record(await scope.run(() => trainer.runTrial(request)));
    } catch (err) {
      if (isCancellation(err)) {
        record(syntheticResult(trial.trialId, trial.point.config, 'stopped', cancelReason));
      } else {
        // All attempts failed (or a non-retryable error): a failed trial, and the sweep goes on.
        record(syntheticResult(trial.trialId, trial.point.config, 'failed', failureCause(err)));
      }
    } finally {
      running -= 1;
    }
  };

  /** A fit that cannot be made (bad data, a law that does not suit it) is data too: the sweep goes on. */
  const fitLaws = async (): Promise<{ summary: FitSummary; report?: unknown }> => {
    try {
      // Only the summary comes back: the activity stores the full report (bootstrap samples) itself.
      const { summary } = await fitter.fitLaws({ sweepId, spec, results: state.results, storedResults: state.stored ?? 0, planned: state.planned, batch: state.batch });
      return { summary };
    } catch (err) {
      if (isCancellation(err)) throw err;
      const skipped = `fit failed: ${failureCause(err)}`;
      log.warn('fitLaws failed; the sweep goes on without this fit', { sweepId, error: skipped });
      const summary: FitSummary = { law: spec.law.name, params: {}, converged: false, nPoints: 0, formula: '', skipped };
      return { summary, report: { skipped } };
    }
  };

  /**
   * Sliding window: start the next trial as soon as one of `parallelism` finishes. Waiting happens in
   * the root scope; only the trial activities run in `scope`, which the cancel signal cancels.
   */
  const runWindow = async (trials: PendingTrial[], scope: CancellationScope): Promise<void> => {
    const inFlight: Promise<void>[] = [];
    try {
      for (const [i, trial] of trials.entries()) {
        for (;;) {
          await condition(() => cancelled || stopping || state.paused || running < spec.parallelism);
          if (cancelled || stopping || !state.paused) break;
          await report(); // tell the gateway we are paused, then wait for resume
          await condition(() => cancelled || stopping || !state.paused);
        }
        const spent = budgetStop({ ...spec, budget: { flops: spec.budget?.flops } }, state);
        if (cancelled || stopping || spent) {
          for (const skipped of trials.slice(i)) {
            const why = cancelled || stopping ? cancelReason : `not started: ${spent}`;
            record(syntheticResult(skipped.trialId, skipped.point.config, 'stopped', why));
          }
          break;
        }
        inFlight.push(runOne(trial, scope));
      }
    } finally {
      await Promise.all(inFlight);
    }
  };

  try {
    for (;;) {
      if (cancelled || stopping) break;
      stopReason = budgetStop(spec, state);
      if (stopReason) break;

      phase = 'planning';
      const plan = await planner.planBatch({
        sweepId,
        spec,
        batchIndex: state.batch,
        results: state.results,
        storedResults: state.stored ?? 0,
        planned: state.planned,
        fit: state.lastFit?.detail,
        flopsSpent: state.flopsSpent,
        trialsStarted: state.nextTrialIndex,
      });
      if (cancelled || stopping) break;
      if (plan.stop) {
        stopReason = plan.stop;
        break;
      }
      const cap = spec.budget?.trials === undefined ? plan.points.length : spec.budget.trials - state.nextTrialIndex;
      const points = plan.points.slice(0, Math.max(0, cap));
      if (points.length === 0) {
        stopReason = 'planner proposed no new points';
        break;
      }
      const trials = points.map((point): PendingTrial => {
        const trialId = trialIdFor(sweepId, state.nextTrialIndex);
        state.nextTrialIndex += 1;
        state.planned.push(point.config);
        return { trialId, point };
      });

      phase = 'running';
      await report({ newTrials: trials.map((t) => ({ trialId: t.trialId, config: t.point.config, reason: t.point.reason })) });
      trialScope = new CancellationScope();
      await runWindow(trials, trialScope);
      trialScope = undefined;

      phase = 'fitting';
      const fit = await fitLaws();
      state.lastFit = fit.summary;
      state.batch += 1;
      await report({ fit });

      const info = workflowInfo();
      // Not when the budget is already spent: the next loop turn ends the sweep in this run.
      if (!cancelled && !stopping && !budgetStop(spec, state) && (info.continueAsNewSuggested || info.historyLength > historyLimit)) {
        await condition(allHandlersFinished);
        return await continueAsNew<typeof sweepWorkflow>({ ...input, carried: state });
      }
    }
  } catch (err) {
    // continueAsNew() unwinds by throwing: the sweep goes on in the next run, it has not failed (runs
    // recorded before this patch reported 'failed' here, and replay them as they were).
    if (err instanceof ContinueAsNew && patched('continue-as-new-is-not-failure')) throw err;
    if (isCancellation(err)) {
      // The workflow itself was cancelled by the client: same ending as the cancel signal.
      cancelled = true;
    } else {
      phase = 'failed';
      stopReason = `sweep failed: ${failureCause(err)}`;
      await CancellationScope.nonCancellable(() => report());
      throw err;
    }
  }

  phase = cancelled || stopping ? 'cancelled' : 'completed';
  if (cancelled || stopping) stopReason = cancelReason;
  // Non-cancellable: a client-cancelled workflow must still report and drain its handlers.
  await CancellationScope.nonCancellable(async () => {
    await report();
    await condition(allHandlersFinished);
  });
  return status();
}
