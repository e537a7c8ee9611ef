export { connectTemporal, connectWorker, DEFAULT_TEMPORAL_ADDRESS, type TemporalTls } from './connect';
export { createTemporalSweepControl, waitingForWorkers, notStartedTrials, WAITING_AFTER_MS, type PendingActivityLike, type TemporalSweepControl, type SweepControlOptions } from './control';
export { createOrchestratorActivities, type GatewayLike, type OrchestratorDeps } from './activities';
export { fitSweep, groupDimensions, type SweepFit } from './fit';
export { sweepWorkflowBundle, sweepWorkflowsPath } from './bundle';
export {
  createOrchestratorWorker,
  runOrchestratorWorker,
  createTrainerWorker,
  runTrainerWorker,
  type OrchestratorWorkerOptions,
  type TrainerWorkerOptions,
} from './workers';
export { preflightSpec } from './preflight';
