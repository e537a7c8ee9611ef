/**
 * Runs the gateway: `tsx apps/gateway/src/main.ts --db slab.db --token T [--port 7300]
 * [--host 127.0.0.1] [--console-dir DIR]`. Flags fall back to SLAB_DB, SLAB_TOKEN,
 * SLAB_GATEWAY_PORT, SLAB_GATEWAY_HOST, SLAB_CONSOLE_DIR. Runs without an orchestrator: `slab up`
 * embeds startGateway with the Temporal-backed SweepControl instead.
 */
import { parseArgs } from 'node:util';
import { startGateway } from './gateway';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    token: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    'console-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  process.stdout.write(
    'usage: gateway --db FILE --token TOKEN [--port 7300] [--host 127.0.0.1] [--console-dir DIR]\n' +
      'env: SLAB_DB, SLAB_TOKEN, SLAB_GATEWAY_PORT, SLAB_GATEWAY_HOST, SLAB_CONSOLE_DIR\n',
  );
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

let gateway: Awaited<ReturnType<typeof startGateway>>;
try {
  gateway = await startGateway({
    dbPath,
    token,
    port,
    host: values.host ?? env.SLAB_GATEWAY_HOST,
    consoleDir: values['console-dir'] ?? env.SLAB_CONSOLE_DIR,
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
