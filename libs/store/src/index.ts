export type { Store, PlannedTrial, IngestResult, TrialEventRow, RefusalCode, MetricCursor } from './store';
export { IngestRefused } from './store';
export { openStore } from './sqlite';
export { toCsv } from './csv';
export { exportSweep } from './export';
