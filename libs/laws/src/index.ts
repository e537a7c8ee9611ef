export type * from './types';
export { listLaws, getLaw, registerLaw } from './laws/index';
export { annealingAreas, lrSchedule, type ScheduleOptions } from './laws/lr-annealing';
export { fitLaw, resolveOptions, runBootstrap, summarizeBootstrap } from './fit';
export { minimize, type MinimizeOptions, type MinimizeResult, type ObjectiveFn } from './optimize';
export { mulberry32, percentileInterval, quantile } from './stats';
export { predict, predictInterval, formatLaw, computeOptimalFrontier, computeForLoss, type FrontierPoint } from './derive';
export { readRunsCsv, parseCsv, completeComputeVariables, type ColumnMap, type DroppedRow, type RunsTable } from './csv';
export {
  parseHoldout, matchesHoldout, splitData, evaluateHoldout, holdoutByRule, leaveLargestOut, kFold, compareLaws,
  type HoldoutRule, type HoldoutResult, type LawComparisonRow,
} from './validate';
export { renderFitSvg, type PlotOptions } from './plot';
