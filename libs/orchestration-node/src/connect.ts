import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';

/** Default frontend of `slab up`'s dev server when nothing else is configured. */
export const DEFAULT_TEMPORAL_ADDRESS = '127.0.0.1:7233';

function checkAddress(address: string): string {
  if (!/^[^\s:/]+:\d+$/.test(address)) {
    throw new Error(`temporal address: expected host:port (e.g. 127.0.0.1:7233), got ${JSON.stringify(address)}`);
  }
  return address;
}

/** Client-side connection (CLI, gateway); pass it to createTemporalSweepControl, close() it when done. */
export function connectTemporal(address: string = DEFAULT_TEMPORAL_ADDRESS): Promise<Connection> {
  return Connection.connect({ address: checkAddress(address) });
}

/** Worker-side connection. */
export function connectWorker(address: string = DEFAULT_TEMPORAL_ADDRESS): Promise<NativeConnection> {
  return NativeConnection.connect({ address: checkAddress(address) });
}
