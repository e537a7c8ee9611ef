/**
 * Orchestrator activities (planBatch, fitLaws, reportSweep), built by a factory so the gateway
 * client is injected. Hosted by the orchestrator worker on ORCHESTRATOR_QUEUE.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { TrialRow } from '@slab/api';
import type { TrialResult } from '@slab/spec';
import { planNext, type PlannerHooks } from '@slab/planner';
import type { FitLawsInput, FitSummary, OrchestratorActivities, PlanBatchInput, SweepReport } from '@slab/orchestration';
import type { StudyAnswer } from '@slab/studies';
import type { SweepFit } from './fit';
import { FitInputError, fitInThread } from './fit-thread';
import { replayCandidates } from './candidates';
import { studyJob, type SweepMetricsReader } from './study';

/** What the orchestrator activities need from @slab/api's GatewayClient. */
export interface GatewayLike {
  /** The sweep's trials as stored (finished ones carry their results). */
  trials(sweepId: string): Promise<TrialRow[]>;
  report(sweepId: string, report: SweepReport): Promise<void>;
  /** Stores a full fit report in the store; returns its id. */
  addFit(sweepId: string, fit: { summary: FitSummary; report: unknown }): Promise<{ id: number }>;
  /** One stored metric of every trial; without it a spec's study is not answered here. */
  sweepMetrics?: SweepMetricsReader;
}

export interface OrchestratorDeps {
  gateway: GatewayLike;
  /** Planner hooks (e.g. a plugin's width→params map). */
  plannerHooks?: PlannerHooks;
  /** Directory replay tables resolve against (default: process.cwd(), as the replay worker does). */
  cwd?: string;
}

/** Errors from pure planning/fitting code on the given input will repeat on retry: fail them for good. */
function asInvalid(err: unknown, what: string): ApplicationFailure {
  const message = err instanceof Error ? err.message : String(err);
  return ApplicationFailure.nonRetryable(`${what}: ${message}`, 'InvalidConfig');
}

/** HTTP statuses that retrying cannot fix (bad report, auth); 408/429 and 5xx/0 are retried. */
function permanentHttp(status: unknown): boolean {
  return typeof status === 'number' && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/** The running activity's context, or undefined when called outside an activity (unit tests). */
function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

/** Heartbeat period: well under the heartbeat timeouts the workflows set (the SDK throttles further). */
const HEARTBEAT_MS = 2000;

/**
 * Heartbeats while `work` runs off this thread: a dead orchestrator, or a completion lost in a
 * Temporal crash, is then noticed at the heartbeat timeout, and cancellation reaches the activity.
 */
async function heartbeating<T>(work: () => Promise<T>): Promise<T> {
  const ctx = activityContext();
  if (!ctx) return work();
  ctx.heartbeat();
  const timer = setInterval(() => ctx.heartbeat(), HEARTBEAT_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

const FINISHED = new Set(['completed', 'diverged', 'failed', 'stopped']);
const indexOf = (trialId: string) => Number(/-t(\d+)$/.exec(trialId)?.[1] ?? Infinity);

function resultOf(row: TrialRow): TrialResult {
  return {
    trialId: row.id,
    status: row.status as TrialResult['status'],
    params: row.params ?? 0,
    data: row.data ?? 0,
    flops: row.flops ?? 0,
    final: row.final ?? {},
    resumedFromStep: 0,
    steps: 0,
    backend: row.backend ?? '',
    wallSeconds: 0,
    ...(row.reason ? { reason: row.reason } : {}),
  };
}

export function createOrchestratorActivities(deps: OrchestratorDeps): OrchestratorActivities {
  /**
   * Every finished trial, in trial order: the `stored` ones from the store (through the gateway),
   * then the ones the workflow still carries. A store that holds fewer than the workflow counted is
   * behind (or was reset): a retryable error, never a silently smaller fit.
   */
  async function allResults(sweepId: string, carried: TrialResult[], stored = 0): Promise<TrialResult[]> {
    if (stored === 0) return carried;
    const own = new Set(carried.map((r) => r.trialId));
    const rows = (await deps.gateway.trials(sweepId)).filter((r) => FINISHED.has(r.status) && !own.has(r.id));
    if (rows.length < stored) throw new Error(`the store holds ${rows.length} finished trials of sweep ${sweepId}, the workflow reported ${stored}`);
    return [...rows.map(resultOf), ...carried].sort((a, b) => indexOf(a.trialId) - indexOf(b.trialId));
  }

  return {
    async planBatch(input: PlanBatchInput) {
      const results = await allResults(input.sweepId, input.results, input.storedResults);
      try {
        const { sweepId: _sweepId, storedResults: _stored, ...rest } = input;
        const plannerInput = { ...rest, results };
        // A replay sweep buys measured runs: the table is its finite candidate set.
        const candidates = replayCandidates(input.spec, deps.cwd);
        return planNext(candidates ? { ...plannerInput, candidates } : plannerInput, deps.plannerHooks);
      } catch (err) {
        throw asInvalid(err, 'planBatch');
      }
    },
    async fitLaws(input: FitLawsInput) {
      const results = await allResults(input.sweepId, input.results, input.storedResults);
      // The spec's study is answered beside the fit, from the same results and the curves it reads.
      const readMetrics = deps.gateway.sweepMetrics?.bind(deps.gateway);
      const study = readMetrics ? await studyJob(input.sweepId, input.spec, results, input.planned, readMetrics, input.batch ?? null) : undefined;
      let fit: SweepFit & { study?: StudyAnswer };
      try {
        fit = await heartbeating(() => fitInThread({ spec: input.spec, results, planned: input.planned, study }, activityContext()?.cancellationSignal));
      } catch (err) {
        if (err instanceof FitInputError) throw asInvalid(err, 'fitLaws');
        throw err;
      }
      // The full report (a 50,000-resample bootstrap is megabytes) goes to the store; the workflow
      // gets the summary and the report's id. A gateway outage is retried like any activity error.
      // The study's answer rides in the report (GET /api/sweeps/:id/study serves the newest one).
      const report = fit.study ? { ...(fit.report as object), study: fit.study } : fit.report;
      const { id } = await deps.gateway.addFit(input.sweepId, { summary: fit.summary, report });
      return { summary: { ...fit.summary, reportId: id } };
    },
    async reportSweep(sweepId: string, report: SweepReport) {
      try {
        await deps.gateway.report(sweepId, report);
      } catch (err) {
        const status = (err as { status?: unknown }).status;
        if (permanentHttp(status)) {
          throw ApplicationFailure.nonRetryable(`reportSweep: gateway answered ${status}: ${(err as Error).message}`, 'GatewayRejected');
        }
        throw err;
      }
    },
  };
}
