/**
 * Runs the gateway: `tsx apps/gateway/src/main.ts --db slab.db --token T [--port 7300]
 * [--host 127.0.0.1] [--console-dir DIR] [--ingest-token T] [--read-token T] [--closed-reads]
 * [--allowed-host NAME ...] [--blob-dir DIR] [--tls-cert PEM --tls-key PEM]`. Flags fall back to SLAB_DB,
 * SLAB_TOKEN, SLAB_GATEWAY_PORT, SLAB_GATEWAY_HOST, SLAB_CONSOLE_DIR, SLAB_INGEST_TOKEN, SLAB_READ_TOKEN,
 * SLAB_BLOB_DIR, SLAB_TLS_CERT, SLAB_TLS_KEY. Runs without an
 * orchestrator: `slab up` embeds startGateway with the Temporal-backed SweepControl instead.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Credential } from './auth';
import { startGateway } from './gateway';

const USAGE =
  'usage: gateway --db FILE --token TOKEN [--port 7300] [--host 127.0.0.1] [--console-dir DIR]\n' +
  '               [--ingest-token TOKEN] [--read-token TOKEN] [--closed-reads] [--allowed-host NAME ...]\n' +
  '               [--blob-dir DIR (trial checkpoints; default FILE.blobs beside the database)]\n' +
  '               [--tls-cert PEM --tls-key PEM (serve https and wss)]\n' +
  'env: SLAB_DB, SLAB_TOKEN, SLAB_GATEWAY_PORT, SLAB_GATEWAY_HOST, SLAB_CONSOLE_DIR, SLAB_INGEST_TOKEN, SLAB_READ_TOKEN, SLAB_BLOB_DIR,\n' +
  '     SLAB_TLS_CERT, SLAB_TLS_KEY\n';

let values;
try {
  ({ values } = parseArgs({
    options: {
      db: { type: 'string' },
      token: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'console-dir': { type: 'string' },
      'ingest-token': { type: 'string' },
      'read-token': { type: 'string' },
      'closed-reads': { type: 'boolean' },
      'allowed-host': { type: 'string', multiple: true },
      'blob-dir': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}

if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const env = process.env;
const dbPath = values.db ?? env.SLAB_DB;
const token = values.token ?? env.SLAB_TOKEN;
const portText = values.port ?? env.SLAB_GATEWAY_PORT ?? '7300';
const port = Number(portText);
if (!dbPath || !token || !Number.isInteger(port)) {
  process.stderr.write(
    `${!dbPath ? '--db (or SLAB_DB): expected a SQLite file path\n' : ''}` +
      `${!token ? '--token (or SLAB_TOKEN): expected a non-empty token\n' : ''}` +
      `${!Number.isInteger(port) ? `--port: expected an integer, got ${JSON.stringify(portText)}\n` : ''}`,
  );
  process.exit(2);
}

// Scoped tokens: trainer nodes get an ingest-only token, dashboards a read-only one.
const credentials: Credential[] = [];
const ingestToken = values['ingest-token'] ?? env.SLAB_INGEST_TOKEN;
const readToken = values['read-token'] ?? env.SLAB_READ_TOKEN;
if (ingestToken) credentials.push({ token: ingestToken, scopes: ['ingest'] });
if (readToken) credentials.push({ token: readToken, scopes: ['read'] });

/** The certificate and key files, read now so that a wrong path is one line before anything listens. */
function readTls(certPath: string | undefined, keyPath: string | undefined): { cert: Buffer; key: Buffer } | undefined {
  if (!certPath && !keyPath) return undefined;
  if (!certPath || !keyPath) throw new Error(`${certPath ? '--tls-key' : '--tls-cert'}: expected a PEM file (--tls-cert and --tls-key go together)`);
  const read = (flag: string, path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new Error(`${flag}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  };
  return { cert: read('--tls-cert', certPath), key: read('--tls-key', keyPath) };
}

let gateway: Awaited<ReturnType<typeof startGateway>>;
try {
  const tls = readTls(values['tls-cert'] ?? env.SLAB_TLS_CERT, values['tls-key'] ?? env.SLAB_TLS_KEY);
  gateway = await startGateway({
    dbPath,
    blobDir: values['blob-dir'] ?? env.SLAB_BLOB_DIR,
    token,
    port,
    host: values.host ?? env.SLAB_GATEWAY_HOST,
    consoleDir: values['console-dir'] ?? env.SLAB_CONSOLE_DIR,
    credentials,
    openReads: !values['closed-reads'],
    allowedHosts: values['allowed-host'] ?? [],
    tls,
  });
} catch (err) {
  // One line a person can act on (port in use, bad database path), not a stack trace.
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
process.stdout.write(`gateway listening on ${gateway.url} (websocket ${gateway.wsUrl}), store ${dbPath}\n`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void gateway.close().then(() => process.exit(0));
  });
}
