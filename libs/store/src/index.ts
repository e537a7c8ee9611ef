export type { Store, PlannedTrial, IngestResult, TrialEventRow } from './store';
export { openStore } from './sqlite';
export { toCsv } from './csv';
export { exportSweep } from './export';
