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
  metrics: (id: string, name: string) => reader.sweepMetrics(id, name),
  /** Writes need the token; a client is made per call because the token can change (re-prompt). */
  control: (id: string, action: ControlAction, token: string) => new GatewayClient(location.origin, token).control(id, action),
};
