import type { ExportFormat } from '@slab/api';
import { toCsv } from './csv';
import type { Store } from './store';

/** The export body for one sweep: CSV text or a JSON array of flat rows. */
export function exportSweep(store: Store, sweepId: string, format: ExportFormat): string {
  const rows = store.exportRows(sweepId);
  if (format === 'csv') return toCsv(rows);
  if (format === 'json') return JSON.stringify(rows, null, 2) + '\n';
  throw new Error(`format: expected "csv" or "json", got ${JSON.stringify(format)}`);
}
