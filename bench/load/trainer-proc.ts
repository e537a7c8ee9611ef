/**
 * The trainer side of the orchestration bench: one worker process hosting the replay plugin (a
 * trial answers from a table row, no training), streaming its few points to the gateway as any
 * trainer does. `tsx trainer-proc.ts TEMPORAL_ADDRESS GATEWAY_WS_URL TOKEN QUEUE CONCURRENCY CHECKPOINT_DIR`.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { runTrainerWorker } from '@slab/orchestration-node';
import { createReplayPlugin } from '@slab/worker-replay';

const [address, gatewayUrl, token, queue, concurrency, checkpointRoot] = process.argv.slice(2);
if (!checkpointRoot) throw new Error('usage: trainer-proc.ts TEMPORAL_ADDRESS GATEWAY_WS_URL TOKEN QUEUE CONCURRENCY CHECKPOINT_DIR');
// WARN, as the CLI's processes log Temporal: an INFO line per activity would be work the product does not do.
Runtime.install({ logger: new DefaultLogger('WARN') });
const abort = new AbortController();
process.once('SIGTERM', () => abort.abort());
process.stdout.write('ready\n');
await runTrainerWorker({ address, queue, plugin: createReplayPlugin(), gatewayUrl, token, concurrency: Number(concurrency), checkpointRoot, checkpoints: false, signal: abort.signal });
