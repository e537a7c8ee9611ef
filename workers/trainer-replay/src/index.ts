export { createReplayPlugin, type ReplayOptions } from './plugin';
export { parseRunTable, loadRunTable, matchRun, dropHighest, resolveTable, type ReplayRun } from '@slab/laws/run-table';
export { lossAt, SYNTH_GAMMA } from './curve';
