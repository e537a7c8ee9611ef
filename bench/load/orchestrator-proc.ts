/**
 * The orchestrator under test, in its own process (as in `slab serve`), so its memory is its own:
 * hosts sweepWorkflow and the planBatch/fitLaws/report activities against the given Temporal and
 * gateway. `tsx orchestrator-proc.ts TEMPORAL_ADDRESS GATEWAY_URL TOKEN [MAX_CACHED_WORKFLOWS]`.
 */
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { GatewayClient } from '@slab/api';
import { ORCHESTRATOR_QUEUE } from '@slab/orchestration';
import { createOrchestratorActivities, sweepWorkflowBundle } from '@slab/orchestration-node';

const [address, gatewayUrl, token] = process.argv.slice(2);
if (!address || !gatewayUrl || !token) throw new Error('usage: orchestrator-proc.ts TEMPORAL_ADDRESS GATEWAY_URL TOKEN');
// WARN, as the CLI's processes log Temporal: an INFO line per activity would be work the product does not do.
Runtime.install({ logger: new DefaultLogger('WARN') });
const connection = await NativeConnection.connect({ address });
const worker = await Worker.create({
  connection,
  taskQueue: ORCHESTRATOR_QUEUE,
  workflowBundle: await sweepWorkflowBundle(),
  activities: createOrchestratorActivities({ gateway: new GatewayClient(gatewayUrl, token) }),
});
process.once('SIGTERM', () => worker.shutdown());
process.stdout.write('ready\n');
await worker.run();
await connection.close();
