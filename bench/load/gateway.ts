/**
 * The gateway under test, in its own process (as under `slab serve`): a fresh store (a SQLite path or
 * a postgres:// URL) with one sweep, listening on a free port. Prints `{"url":…,"wsUrl":…,"db":…}` on stdout once it serves.
 */
import { startGateway } from '@slab/gateway';

const [dbPath, token] = process.argv.slice(2);
if (!dbPath || !token) throw new Error('usage: gateway.ts STORE TOKEN');
const gw = await startGateway({ dbPath, token, log: () => undefined });
await gw.store.createSweep({ id: 'load', name: 'load', specYaml: 'name: load' });
process.stdout.write(`${JSON.stringify({ url: gw.url, wsUrl: gw.wsUrl })}\n`);
process.once('SIGTERM', () => void gw.close().then(() => process.exit(0)));
