export type { Store, PlannedTrial, IngestResult, TrialEventRow, RefusalCode, MetricCursor } from './store';
export { IngestRefused } from './store';
export { openStore, parseStoreUrl, describeStore, type StoreLocation } from './open';
export { openSqliteStore } from './sqlite';
export { openPostgresStore } from './postgres';
export { toCsv } from './csv';
export { exportSweep } from './export';
