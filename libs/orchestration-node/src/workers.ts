/**
 * Worker factories. The orchestrator worker hosts sweepWorkflow (CPU queue) and the orchestrator
 * activities; trainer workers host only runTrial on their resource-class queue, with concurrency
 * capped (one trial per GPU, or one on CPU) and a shutdown grace period so trials can checkpoint.
 */
import { hostname } from 'node:os';
import { NativeConnection, Worker } from '@temporalio/worker';
import { GatewayClient } from '@slab/api';
import { ORCHESTRATOR_QUEUE } from '@slab/orchestration';
import { type CheckpointStoreLike, GatewayCheckpoints, MetricEmitter, createTrialActivities, type MetricEmitterLike, type TrainerPlugin } from '@slab/worker-sdk';
import { createOrchestratorActivities, type GatewayLike } from './activities';
import { sweepWorkflowBundle } from './bundle';
import { connectWorker, type TemporalTls } from './connect';

interface ConnectionOptions {
  /** An open connection (tests, or several workers in one process); otherwise `address` is dialled. */
  connection?: NativeConnection;
  address?: string;
  /** TLS (mTLS) to the frontend at `address`. */
  tls?: TemporalTls;
  namespace?: string;
  /** Stops the worker (graceful shutdown) when aborted. */
  signal?: AbortSignal;
}

export interface OrchestratorWorkerOptions extends ConnectionOptions {
  gatewayUrl: string;
  token: string;
  /** Overrides the gateway client built from gatewayUrl/token (e.g. a store-backed reporter). */
  gateway?: GatewayLike;
  taskQueue?: string;
}

export interface TrainerWorkerOptions extends ConnectionOptions {
  queue: string;
  plugin: TrainerPlugin;
  /** Gateway websocket URL (e.g. `ws://127.0.0.1:7300/ws`) and token for the metric emitter. */
  gatewayUrl?: string;
  token?: string;
  /** An emitter to use instead of connecting one to gatewayUrl (tests, shared emitters); not closed by us. */
  emitter?: MetricEmitterLike;
  /** Trials at once (default 1: one per GPU, or one on CPU). */
  concurrency?: number;
  checkpointRoot: string;
  /**
   * Shared checkpoint store, so a trial retried on another node resumes from its last checkpoint.
   * runTrainerWorker defaults it to the gateway at gatewayUrl; false keeps checkpoints on this machine.
   */
  checkpoints?: CheckpointStoreLike | false;
  workerId?: string;
  /** Time a shutting-down worker gives running trials to checkpoint (default 30 s). */
  shutdownGraceMs?: number;
  log?: (message: string) => void;
}

async function connectionFor(opts: ConnectionOptions): Promise<{ connection: NativeConnection; owned: boolean }> {
  if (opts.connection) return { connection: opts.connection, owned: false };
  return { connection: await connectWorker(opts.address, opts.tls), owned: true };
}

/** Runs `worker` until it stops or `signal` aborts, then closes a connection we opened. */
async function runWorker(worker: Worker, connection: NativeConnection, owned: boolean, signal?: AbortSignal): Promise<void> {
  const stop = () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
  };
  // Aborted while the worker was being created (bundling takes seconds): never start polling, since
  // shutdown() only acts on a running worker and the abort event has already fired.
  if (signal?.aborted) {
    if (owned) await connection.close();
    return;
  }
  signal?.addEventListener('abort', stop, { once: true });
  try {
    await worker.run();
  } finally {
    signal?.removeEventListener('abort', stop);
    if (owned) await connection.close();
  }
}

export async function createOrchestratorWorker(opts: OrchestratorWorkerOptions & { connection: NativeConnection }): Promise<Worker> {
  const gateway = opts.gateway ?? new GatewayClient(opts.gatewayUrl, opts.token);
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace ?? 'default',
    taskQueue: opts.taskQueue ?? ORCHESTRATOR_QUEUE,
    workflowBundle: await sweepWorkflowBundle(),
    activities: createOrchestratorActivities({ gateway }),
  });
}

export async function runOrchestratorWorker(opts: OrchestratorWorkerOptions): Promise<void> {
  const { connection, owned } = await connectionFor(opts);
  const worker = await createOrchestratorWorker({ ...opts, connection });
  await runWorker(worker, connection, owned, opts.signal);
}

export async function createTrainerWorker(
  opts: TrainerWorkerOptions & { connection: NativeConnection; emitter: MetricEmitterLike },
): Promise<Worker> {
  const concurrency = opts.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error(`concurrency: expected a positive integer, got ${JSON.stringify(opts.concurrency)}`);
  }
  if (!opts.queue) throw new Error(`queue: expected a task queue name, got ${JSON.stringify(opts.queue)}`);
  const workerId = opts.workerId ?? defaultWorkerId();
  const activities = createTrialActivities({
    plugin: opts.plugin,
    emitter: opts.emitter,
    checkpointRoot: opts.checkpointRoot,
    ...(opts.checkpoints ? { checkpoints: opts.checkpoints } : {}),
    log: opts.log,
    workerId,
  });
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace ?? 'default',
    taskQueue: opts.queue,
    identity: workerId,
    activities,
    maxConcurrentActivityTaskExecutions: concurrency,
    shutdownGraceTime: opts.shutdownGraceMs ?? 30_000,
  });
}

const defaultWorkerId = () => `${hostname()}-${process.pid}`;

/** Hosts runTrial on `queue` until `signal` aborts; streams metrics to the gateway over one websocket. */
export async function runTrainerWorker(opts: TrainerWorkerOptions): Promise<void> {
  const workerId = opts.workerId ?? defaultWorkerId();
  if (!opts.emitter && (!opts.gatewayUrl || !opts.token)) {
    throw new Error(`gatewayUrl, token: expected the gateway websocket URL and token, got ${JSON.stringify({ gatewayUrl: opts.gatewayUrl, token: opts.token ? '***' : opts.token })}`);
  }
  // Our own emitter (closed when the worker stops) unless the caller lent one.
  const owned = opts.emitter ? undefined : new MetricEmitter({ url: opts.gatewayUrl ?? '', token: opts.token ?? '', workerId, log: opts.log });
  const emitter: MetricEmitterLike = opts.emitter ?? (owned as MetricEmitter);
  try {
    const conn = await connectionFor(opts);
    const checkpoints = opts.checkpoints ?? (opts.gatewayUrl && opts.token ? new GatewayCheckpoints({ url: opts.gatewayUrl, token: opts.token }) : undefined);
    const worker = await createTrainerWorker({ ...opts, workerId, emitter, checkpoints, connection: conn.connection });
    opts.log?.(`trainer worker ${workerId} on queue ${opts.queue} (plugin ${opts.plugin.name}, concurrency ${opts.concurrency ?? 1})`);
    await runWorker(worker, conn.connection, conn.owned, opts.signal);
  } finally {
    await owned?.close();
  }
}
