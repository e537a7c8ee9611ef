import { heldOutTrials, type ExportFormat } from '@slab/api';
import { toCsv } from './csv';
import type { Store } from './store';

/**
 * The export body for one sweep: CSV text or a JSON array of flat rows. When the latest fit held
 * trials out (the spec's `holdout` rule), a `heldOut` column (1 or 0) says which.
 */
export async function exportSweep(store: Store, sweepId: string, format: ExportFormat): Promise<string> {
  const held = heldOutTrials((await store.latestFit(sweepId))?.summary);
  const all = await store.exportRows(sweepId);
  const rows = held.size ? all.map((r) => ({ ...r, heldOut: held.has(String(r.trialId)) ? 1 : 0 })) : all;
  if (format === 'csv') return toCsv(rows);
  if (format === 'json') return JSON.stringify(rows, null, 2) + '\n';
  throw new Error(`format: expected "csv" or "json", got ${JSON.stringify(format)}`);
}
