import { heldOutTrials, type ExportFormat } from '@slab/api';
import { toCsv } from './csv';
import type { Store } from './store';

/**
 * The export body for one sweep: CSV text or a JSON array of flat rows. When the latest fit held
 * trials out (the spec's `holdout` rule), a `heldOut` column (1 or 0) says which.
 */
export function exportSweep(store: Store, sweepId: string, format: ExportFormat): string {
  const held = heldOutTrials(store.latestFit(sweepId)?.summary);
  const rows = held.size ? store.exportRows(sweepId).map((r) => ({ ...r, heldOut: held.has(String(r.trialId)) ? 1 : 0 })) : store.exportRows(sweepId);
  if (format === 'csv') return toCsv(rows);
  if (format === 'json') return JSON.stringify(rows, null, 2) + '\n';
  throw new Error(`format: expected "csv" or "json", got ${JSON.stringify(format)}`);
}
