/**
 * TLS flags of `slab serve` and `slab worker`, read into PEM contents before anything connects, so a
 * wrong path is one line naming its flag. Loads no Temporal code (the type import is erased).
 *
 * - gateway: `--tls-cert/--tls-key` (env SLAB_TLS_CERT/SLAB_TLS_KEY) → https + wss;
 * - Temporal: `--temporal-tls-cert/--temporal-tls-key` (client certificate, mTLS), `--temporal-ca`
 *   (the frontend's CA), `--temporal-server-name` (env TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY,
 *   TEMPORAL_TLS_CA, TEMPORAL_TLS_SERVER_NAME, the names the Temporal CLI uses).
 */
import { readFileSync } from 'node:fs';
import type { TemporalTls } from '@slab/orchestration-node';

export interface TemporalTlsFlags {
  temporalTlsCert?: string;
  temporalTlsKey?: string;
  temporalCa?: string;
  temporalServerName?: string;
}

export interface GatewayTlsFlags {
  tlsCert?: string;
  tlsKey?: string;
}

/** @throws Error naming `flag` when the file cannot be read */
export function readPem(flag: string, path: string): Buffer {
  let text: Buffer;
  try {
    text = readFileSync(path);
  } catch (err) {
    throw new Error(`${flag}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!text.includes('-----BEGIN ')) throw new Error(`${flag}: ${path} is not PEM (expected a -----BEGIN ...----- block)`);
  return text;
}

/** TLS to Temporal from flags (falling back to the environment); undefined when none is given. */
export function temporalTlsFromFlags(flags: TemporalTlsFlags, env: NodeJS.ProcessEnv = process.env): TemporalTls | undefined {
  const cert = flags.temporalTlsCert ?? env.TEMPORAL_TLS_CERT;
  const key = flags.temporalTlsKey ?? env.TEMPORAL_TLS_KEY;
  const ca = flags.temporalCa ?? env.TEMPORAL_TLS_CA;
  const serverName = flags.temporalServerName ?? env.TEMPORAL_TLS_SERVER_NAME;
  if (!cert && !key && !ca && !serverName) return undefined;
  if (Boolean(cert) !== Boolean(key)) {
    throw new Error(`${cert ? '--temporal-tls-key' : '--temporal-tls-cert'}: expected a PEM file (the client certificate and its key go together)`);
  }
  const tls: TemporalTls = {};
  if (ca) tls.serverRootCACertificate = readPem('--temporal-ca', ca);
  if (cert && key) tls.clientCertPair = { crt: readPem('--temporal-tls-cert', cert), key: readPem('--temporal-tls-key', key) };
  if (serverName) tls.serverNameOverride = serverName;
  return tls;
}

/** The gateway's certificate and key from flags (or SLAB_TLS_CERT/SLAB_TLS_KEY); undefined when neither. */
export function gatewayTlsFromFlags(flags: GatewayTlsFlags, env: NodeJS.ProcessEnv = process.env): { cert: Buffer; key: Buffer } | undefined {
  const cert = flags.tlsCert ?? env.SLAB_TLS_CERT;
  const key = flags.tlsKey ?? env.SLAB_TLS_KEY;
  if (!cert && !key) return undefined;
  if (!cert || !key) throw new Error(`${cert ? '--tls-key' : '--tls-cert'}: expected a PEM file (--tls-cert and --tls-key go together)`);
  return { cert: readPem('--tls-cert', cert), key: readPem('--tls-key', key) };
}
