/**
 * @slab/curation — data scores, pruning policies, dedup, pools with repetition, dynamic pruning.
 * Score orientation everywhere: HIGH = HARD. Every random choice is seeded.
 */
export type { CurationData, KeepEnd, ScoreOptions, ScoreResult, Scorer } from './types';
export { CurationInputError } from './errors';
export { validateData, subset } from './validate';
export { Rng, deriveSeed } from './rng';
export { ranks, pearson, spearman } from './stats';
export { initCurationBackend } from './backend';
export { ProxyModel, DEFAULT_PROXY, accuracy, type ProxyConfig, type ForwardOut } from './model';
export { kmeans, normalizeRows, type KMeansResult } from './kmeans';
export { pcaEmbedding, type Embedding } from './embed';
export {
  SCORERS,
  el2nScorer,
  grandScorer,
  lossScorer,
  forgettingScorer,
  sspScorer,
  supervisedPrototypeScorer,
  randomScorer,
} from './scores/index';
export {
  rankEasyToHard,
  selectByScore,
  selectRandom,
  selectCoverage,
  classQuotas,
  classBalanced,
  byClass,
} from './policies/select';
export { dedupExact, semDedup, type DedupResult, type SemDedupOptions } from './policies/dedup';
export { planPools, poolSchedule, scalarizationWeights, type Pool, type PoolPlan } from './policies/pools';
export { DynamicPruner, type DynamicPrunerOptions, type EpochSelection } from './policies/dynamic';
export { InMemoryScoreCache, scoreKeyString, type ScoreCache, type ScoreKey } from './cache';
export { applyCuration, listStrategies, type CurationOptions, type CurationReport, type CurationResult } from './apply';
export { curationForTrial, type TrialCuration } from './trial';
export { teacherStudentTask, probeScores, trainLinearStudent, studentError, type TeacherStudentTask } from './teacher';
export { applyPool, disjointTiers, poolStream, type AppliedPool, type PoolStream } from './pooled';
