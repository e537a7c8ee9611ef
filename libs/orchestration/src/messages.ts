/** Signals and queries of sweepWorkflow; clients use these same objects. */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { SweepStatus } from './contracts';

/** Stop starting new trials; running trials finish. */
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
/** Cancel running trials, report, and end the sweep with phase `cancelled`. */
export const cancelSignal = defineSignal<[reason?: string]>('cancel');
/**
 * End the sweep gently (W&B's "stop" where `cancel` is its "cancel"): start no new trial, let the
 * running ones finish, fit them, report, and end with phase `cancelled`.
 */
export const stopSignal = defineSignal<[reason?: string]>('stop');
export const statusQuery = defineQuery<SweepStatus>('status');

export const sweepWorkflowId = (sweepId: string): string => `sweep-${sweepId}`;
