import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';

/**
 * TLS to a Temporal frontend (a cluster behind mTLS, or Temporal Cloud), as PEM contents. The same
 * shape goes to the client Connection and the worker NativeConnection (`tls` option of both).
 */
export interface TemporalTls {
  /** CA that signed the frontend's certificate (default: the system's roots). */
  serverRootCACertificate?: Buffer;
  /** This process's certificate and key, for mTLS. */
  clientCertPair?: { crt: Buffer; key: Buffer };
  /** Name to check the frontend's certificate against when it differs from the address's host. */
  serverNameOverride?: string;
}

/** Default frontend of `slab up`'s dev server when nothing else is configured. */
export const DEFAULT_TEMPORAL_ADDRESS = '127.0.0.1:7233';

function checkAddress(address: string): string {
  if (!/^[^\s:/]+:\d+$/.test(address)) {
    throw new Error(`temporal address: expected host:port (e.g. 127.0.0.1:7233), got ${JSON.stringify(address)}`);
  }
  return address;
}

/** Client-side connection (CLI, gateway); pass it to createTemporalSweepControl, close() it when done. */
export function connectTemporal(address: string = DEFAULT_TEMPORAL_ADDRESS, tls?: TemporalTls): Promise<Connection> {
  return Connection.connect({ address: checkAddress(address), ...(tls ? { tls } : {}) });
}

/** Worker-side connection. */
export function connectWorker(address: string = DEFAULT_TEMPORAL_ADDRESS, tls?: TemporalTls): Promise<NativeConnection> {
  return NativeConnection.connect({ address: checkAddress(address), ...(tls ? { tls } : {}) });
}
