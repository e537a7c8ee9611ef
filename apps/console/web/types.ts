/** REST shapes come from @slab/api (type-only: nothing but the fetch client reaches the bundle). */
export type {
  CheckpointInfo,
  FitRow,
  FitSummary,
  LiveSweep,
  SweepCounts,
  SweepDetail,
  SweepEventRow,
  SweepMetricRow,
  SweepRow,
  SweepStatus,
  TrialConfig,
  TrialRow,
} from '@slab/api';
