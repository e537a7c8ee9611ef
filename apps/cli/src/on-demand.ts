/**
 * The heavy parts of the stack commands (Temporal's client and worker, the gateway, the trainers, the
 * progress bar), each imported on its first call, so `slab --help` and the client commands start
 * without loading them. Same signatures as the functions they stand for.
 */
import type { TrainerWorkerOptions } from '@slab/orchestration-node';
import type { StackOptions, Stack } from './stack';
import type { WatchOptions } from './watch';
import type { GatewayClient } from '@slab/api';
import type { SweepStatus } from '@slab/orchestration';

export async function startStack(opts: StackOptions): Promise<Stack> {
  return (await import('./stack')).startStack(opts);
}

export async function runTrainerWorker(opts: TrainerWorkerOptions): Promise<void> {
  return (await import('@slab/orchestration-node')).runTrainerWorker(opts);
}

export async function installTemporalLogging(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  (await import('./logging')).installTemporalLogging(env);
}

export async function watchSweep(client: GatewayClient, sweepId: string, opts: WatchOptions = {}): Promise<SweepStatus> {
  return (await import('./watch')).watchSweep(client, sweepId, opts);
}
