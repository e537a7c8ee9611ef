export type * from './types';
export { listLaws, getLaw, registerLaw } from './laws/index';
export { annealingAreas, lrSchedule, type ScheduleOptions } from './laws/lr-annealing';
export { fitLaw, fitPointEstimate, finishReport, resolveOptions, runBootstrap, runGroups, summarizeBootstrap, AUTO_SCREEN, SCREEN_ABOVE, type BootstrapChunk } from './fit';
export { inDomain, domainText, targetDomain, lawDomains } from './domain';
export { assessIdentifiability, intervalWarning, untrustworthy, NEAR_EQUAL_REL, MAX_DECADES } from './identifiability';
export { minimize, type MinimizeOptions, type MinimizeResult, type ObjectiveFn } from './optimize';
export { mulberry32, percentileInterval, quantile } from './stats';
export { predict, predictInterval, intervalOf, formatLaw, computeOptimalFrontier, computeForLoss, type FrontierPoint, type ForLoss, type IntervalPrediction } from './derive';
export { readRunsCsv, parseCsv, completeComputeVariables, summarizeDropped, type ColumnMap, type DroppedRow, type RunsTable } from './csv';
export {
  parseHoldout, matchesHoldout, splitData, evaluateHoldout, holdoutByRule, leaveLargestOut, kFold, compareLaws,
  type HoldoutRule, type HoldoutResult, type LawComparisonRow,
} from './validate';
export { renderFitSvg, type PlotOptions } from './plot';
export { isoflopAnalysis, groupBudgets, type IsoflopRun, type IsoflopOptions, type IsoflopBudget, type IsoflopResult, type PowerFit } from './isoflop';
export { chainPredict, type ChainedPrediction } from './chain';
