/** Signals and queries of sweepWorkflow; clients use these same objects. */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { SweepStatus } from './contracts';

/** Stop starting new trials; running trials finish. */
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
/** Cancel running trials, report, and end the sweep with phase `cancelled`. */
export const cancelSignal = defineSignal<[reason?: string]>('cancel');
export const statusQuery = defineQuery<SweepStatus>('status');

export const sweepWorkflowId = (sweepId: string): string => `sweep-${sweepId}`;
