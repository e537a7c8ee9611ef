/**
 * SweepControl (the gateway's view of the orchestrator, from @slab/api) over Temporal: one sweep =
 * one workflow `sweep-${sweepId}`. Signals and queries go to the latest run, so they follow
 * continue-as-new.
 */
import { Client, Connection, WorkflowIdReusePolicy } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { ControlAction, SweepControl } from '@slab/api';
import type { SweepSpec } from '@slab/spec';
import {
  ORCHESTRATOR_QUEUE,
  cancelSignal,
  stopSignal,
  pauseSignal,
  resumeSignal,
  statusQuery,
  sweepWorkflowId,
  type SweepStatus,
  type SweepWorkflowInput,
} from '@slab/orchestration';

const WORKFLOW_TYPE = 'sweepWorkflow';

export interface TemporalSweepControl extends SweepControl {
  /** Starts with the full workflow input (test knobs such as historyLimit, heartbeatTimeoutMs). */
  startWith(input: SweepWorkflowInput): Promise<{ workflowId: string }>;
  /** Waits for the sweep (following continue-as-new) to finish and returns its final status. */
  result(sweepId: string): Promise<SweepStatus>;
}

export interface SweepControlOptions {
  namespace?: string;
  /** Queue of the orchestrator worker hosting sweepWorkflow (default ORCHESTRATOR_QUEUE). */
  taskQueue?: string;
}

export function createTemporalSweepControl(target: Client | Connection, opts: SweepControlOptions = {}): TemporalSweepControl {
  const client = target instanceof Client ? target : new Client({ connection: target, namespace: opts.namespace ?? 'default' });
  const taskQueue = opts.taskQueue ?? ORCHESTRATOR_QUEUE;
  const handle = (sweepId: string) => client.workflow.getHandle(sweepWorkflowId(sweepId));

  const startWith = async (input: SweepWorkflowInput) => {
    const workflowId = sweepWorkflowId(input.sweepId);
    await client.workflow.start(WORKFLOW_TYPE, {
      taskQueue,
      workflowId,
      args: [input],
      // A sweep id names one sweep for good: never start a second workflow under it.
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
    return { workflowId };
  };

  const signal = async (sweepId: string, name: ControlAction) => {
    const h = handle(sweepId);
    if (name === 'pause') await h.signal(pauseSignal);
    else if (name === 'resume') await h.signal(resumeSignal);
    else if (name === 'cancel') await h.signal(cancelSignal);
    else if (name === 'stop') await h.signal(stopSignal);
    else throw new Error(`action: expected pause, resume, cancel or stop, got ${JSON.stringify(name)}`);
  };

  return {
    startWith,
    async start(sweepId: string, spec: SweepSpec) {
      await startWith({ sweepId, spec });
    },
    signal,
    async status(sweepId: string) {
      try {
        // Side by side: the pending activities say whether trials wait for a worker no one runs.
        const [status, described] = await Promise.all([handle(sweepId).query(statusQuery), handle(sweepId).describe().catch(() => undefined)]);
        const pending = described?.raw.pendingActivities ?? [];
        const waiting = described && waitingForWorkers(pending, Date.now());
        // The workflow counts a trial as running once it dispatched it; until a worker starts it, it waits.
        const notStarted = Math.min(status.trials.running, notStartedTrials(pending));
        const counted = notStarted > 0 ? { ...status, trials: { ...status.trials, running: status.trials.running - notStarted } } : status;
        return waiting ? { ...counted, waiting } : counted;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return undefined;
        // A workflow that failed before registering its handlers (e.g. invalid input) cannot answer the
        // query; describe it instead so clients see a final phase rather than an error forever.
        const described = await handle(sweepId).describe().catch(() => undefined);
        const closed = described?.status.name;
        if (!closed || closed === 'RUNNING') throw err;
        const failure = await handle(sweepId).result().then(() => undefined, (e: unknown) => {
          const cause = (e as { cause?: { message?: string } }).cause?.message;
          return cause ?? (e as Error).message;
        });
        return failedStatus(sweepId, closed === 'CANCELLED' ? 'cancelled' : 'failed', `workflow ${closed.toLowerCase()}${failure ? `: ${failure}` : ''}`);
      }
    },
    result: (sweepId) => handle(sweepId).result() as Promise<SweepStatus>,
  };
}

/** A trial scheduled this long without a worker starting it is reported as waiting for one. */
export const WAITING_AFTER_MS = 15_000;

/** PENDING_ACTIVITY_STATE_SCHEDULED of temporal.api.enums.v1.PendingActivityState. */
const SCHEDULED = 1;

/** The fields read of Temporal's PendingActivityInfo (as DescribeWorkflowExecution returns it). */
export interface PendingActivityLike {
  state?: number | null;
  scheduledTime?: { seconds?: number | bigint | { toNumber(): number } | null; nanos?: number | null } | null;
  activityOptions?: { taskQueue?: { name?: string | null } | null } | null;
  activityType?: { name?: string | null } | null;
}

/**
 * How many trials (runTrial activities) are scheduled but not started by any worker: queued behind
 * busy workers, on a queue no worker serves, or in a retry's back-off. Status counts them as waiting,
 * not running.
 */
export function notStartedTrials(pending: readonly PendingActivityLike[]): number {
  return pending.filter((a) => a.state === SCHEDULED && (a.activityType?.name ?? 'runTrial') === 'runTrial').length;
}

/**
 * "waiting for a worker on queue Q (n trials)" when some pending activity has sat in SCHEDULED (no
 * worker polled it) for WAITING_AFTER_MS or more — a queue no worker serves, or workers all busy
 * or dead. A retry whose back-off has not elapsed yet (scheduled in the future) is not waiting.
 */
export function waitingForWorkers(pending: readonly PendingActivityLike[], nowMs: number): string | undefined {
  const byQueue = new Map<string, number>();
  for (const a of pending) {
    if (a.state !== SCHEDULED || !a.scheduledTime) continue;
    const { seconds, nanos } = a.scheduledTime;
    const secs = seconds !== null && typeof seconds === 'object' ? seconds.toNumber() : Number(seconds ?? 0); // a Long from protobufjs
    const since = secs * 1000 + Math.floor((nanos ?? 0) / 1e6);
    if (nowMs - since < WAITING_AFTER_MS) continue;
    const queue = a.activityOptions?.taskQueue?.name ?? '';
    byQueue.set(queue, (byQueue.get(queue) ?? 0) + 1);
  }
  if (byQueue.size === 0) return undefined;
  return [...byQueue].map(([q, n]) => `waiting for a worker${q ? ` on queue ${q}` : ''} (${n} trial${n === 1 ? '' : 's'})`).join('; ');
}

function failedStatus(sweepId: string, phase: 'failed' | 'cancelled', stopReason: string): SweepStatus {
  return {
    sweepId,
    name: sweepId,
    phase,
    batch: 0,
    trials: { planned: 0, running: 0, completed: 0, diverged: 0, failed: 0 },
    flopsSpent: 0,
    budget: {},
    stopReason,
  };
}
