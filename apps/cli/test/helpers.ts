/** Shared pieces of the end-to-end tests: a tiny real spec, polling, and reads of the real store file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll } from 'vitest';
import { GatewayClient } from '@slab/api';
import { startStack, type Stack, type WorkerSpec } from '../src/stack';
import type { SweepStatus } from '@slab/orchestration';

export function tinySpec(opts: { name: string; widths: number[]; data: number[]; extra?: string; trial?: string }): string {
  return `name: ${opts.name}
task:
  dataset: fashion-mnist
  model: mlp
  plugin: tfjs
  options: { batchSize: 32, evalSize: 500 }
dimensions:
  width: { values: [${opts.widths.join(', ')}] }
  data: { values: [${opts.data.join(', ')}] }
budget: { trials: ${opts.widths.length * opts.data.length} }
parallelism: 2
resourceClass: cpu
planner: { kind: grid, seed: 0 }
law: { name: chinchilla, metric: eval_loss, variables: { N: params, D: data }, bootstrap: 20 }
trial: ${opts.trial ?? '{ logEvery: 5, evalEvery: 20, checkpointEvery: 10, timeoutSeconds: 300, heartbeatSeconds: 5, maxAttempts: 3 }'}
${opts.extra ?? ''}`;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, everyMs = 500): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function waitForPhase(client: GatewayClient, id: string, timeoutMs: number): Promise<SweepStatus> {
  return waitFor(`sweep ${id} to end`, async () => {
    const { status } = await client.getSweep(id);
    return ['completed', 'cancelled', 'failed'].includes(status.phase) ? status : undefined;
  }, timeoutMs, 1000);
}

/** Read-only view of the gateway's SQLite file (WAL allows a reader beside the writer). */
export function readStore(path: string) {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  return {
    frameSeqs: (trialId: string) => (db.prepare('SELECT seq FROM frames WHERE trial_id = ? ORDER BY seq').all(trialId) as { seq: number }[]).map((r) => r.seq),
    maxStep: (trialId: string) => (db.prepare('SELECT MAX(step) AS s FROM points WHERE trial_id = ?').get(trialId) as { s: number | null }).s ?? 0,
    pointCount: (trialId: string, name: string) => (db.prepare('SELECT COUNT(*) AS n FROM points WHERE trial_id = ? AND name = ?').get(trialId, name) as { n: number }).n,
    steps: (trialId: string, name: string) => (db.prepare('SELECT step FROM points WHERE trial_id = ? AND name = ? ORDER BY step').all(trialId, name) as { step: number }[]).map((r) => r.step),
    events: (trialId: string) => (db.prepare('SELECT status, info_json FROM events WHERE trial_id = ? ORDER BY seq').all(trialId) as { status: string; info_json: string }[]).map((r) => ({ status: r.status, info: JSON.parse(r.info_json) as Record<string, unknown> })),
    close: () => db.close(),
  };
}

/** Every seq from 1 to the last, each exactly once. */
export function isContiguous(seqs: number[]): boolean {
  return seqs.length > 0 && seqs.every((s, i) => s === i + 1);
}

/** Every multiple of `every` up to `last` is present, and no step twice. */
export function coversEveryStep(steps: number[], every: number, last: number): boolean {
  const have = new Set(steps);
  for (let s = every; s <= last; s += every) if (!have.has(s)) return false;
  return steps.length === have.size;
}

/** A real stack in a temp state dir for one test file: started before its tests, stopped after. */
export function useStack(workers: WorkerSpec[]): { readonly stack: Stack; readonly client: GatewayClient; readonly dir: string } {
  const ctx = {} as { stack: Stack; client: GatewayClient; dir: string };
  beforeAll(async () => {
    ctx.dir = mkdtempSync(join(tmpdir(), 'slab-e2e-'));
    ctx.stack = await startStack({ stateDir: ctx.dir, gatewayPort: 0, workers, log: () => undefined });
    ctx.client = new GatewayClient(ctx.stack.gatewayUrl, ctx.stack.token);
  }, 120_000);
  afterAll(async () => {
    await ctx.stack?.stop();
    rmSync(ctx.dir, { recursive: true, force: true });
  }, 60_000);
  return ctx;
}
