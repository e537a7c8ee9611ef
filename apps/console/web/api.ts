/**
 * The gateway's REST API through the shared @slab/api client. Same origin: the gateway serves
 * the console, so the base URL is the page's own.
 */
import { GatewayClient, GatewayError, type ControlAction } from '@slab/api';

export { GatewayError };

const reader = new GatewayClient(location.origin);

export const api = {
  sweeps: () => reader.listSweeps(),
  sweep: (id: string) => reader.getSweep(id),
  trials: (id: string) => reader.trials(id),
  fits: (id: string) => reader.fits(id),
  /** Every stored metric point of the sweep, or only those of one metric. */
  metrics: (id: string, name?: string) => reader.sweepMetrics(id, name),
  /** Trial events (attempts, how each ended), of the whole sweep or one trial. */
  events: (id: string, trialId?: string) => reader.sweepEvents(id, trialId),
  /** One trial's metric points, every metric. */
  trialMetrics: (trialId: string) => reader.trialMetrics(trialId),
  /** The checkpoint the gateway holds for an unfinished trial, or null. */
  checkpoint: (id: string, trialId: string) => reader.checkpointInfo(id, trialId),
  /** The newest stored answer of the sweep's study; 404 when its spec names none. */
  study: (id: string) => reader.study(id),
  /** Writes are authorised by the session cookie (see token.ts); 401/403 when there is none. */
  control: (id: string, action: ControlAction) => reader.control(id, action),
};
