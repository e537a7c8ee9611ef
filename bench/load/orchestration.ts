/**
 * Orchestration throughput with a no-op trainer: the pinned Temporal dev server, the gateway (this
 * process, SQLite store, Temporal-backed control), the orchestrator worker in its own process and one
 * replay trainer worker process (a trial answers from a table row: no training). A replay sweep of
 * `--trials` trials (the Chinchilla table's runs × seeds, random order, batches of `--batch`) is
 * submitted through the gateway as `slab submit` does and timed to its end. Reported:
 *
 * - trials/min end to end (submit → sweep completed, fits included) and in steady state (the middle
 *   80% of trial completions);
 * - scheduling latency of each runTrial activity, ActivityTaskScheduled → ActivityTaskStarted, from
 *   the workflow's histories (every run across continue-as-new), p50/p99;
 * - the orchestrator process's peak RSS (VmHWM) and the trainer's; the workflow history of each run
 *   (events, bytes) and how many runs continue-as-new made.
 *
 * `npx tsx bench/load/orchestration.ts [--trials 300] [--parallelism 32] [--batch 300] [--bootstrap 10] [--trainer-slots N] [--json out.json]`
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { temporal as TemporalTypes } from '@temporalio/proto';

const { temporal } = proto;
import { GatewayClient } from '@slab/api';
import { startGateway } from '@slab/gateway';
import { sweepWorkflowId } from '@slab/orchestration';
import { connectTemporal, createTemporalSweepControl } from '@slab/orchestration-node';
import { startDevServer } from '@slab/temporal-dev';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '300' },
    parallelism: { type: 'string', default: '32' },
    batch: { type: 'string', default: '300' },
    bootstrap: { type: 'string', default: '10' },
    // The trainer worker's maxConcurrentActivityTaskExecutions (default: parallelism).
    'trainer-slots': { type: 'string' },
    json: { type: 'string' },
  },
});
const trials = Number(values.trials);
const parallelism = Number(values.parallelism);
const batch = Number(values.batch);
const bootstrap = Number(values.bootstrap);
const trainerSlots = Number(values['trainer-slots'] ?? parallelism);
for (const [k, v] of Object.entries({ trials, parallelism, batch, bootstrap, 'trainer-slots': trainerSlots })) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${k}: expected a positive integer, got ${String(v)}`);
}

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const TABLE_RUNS = 240; // the Chinchilla table after dropHighest 5
const seeds = Math.ceil(trials / TABLE_RUNS);
const QUEUE = 'bench-noop';

const spec = `name: orchestration-bench
task:
  dataset: chinchilla
  model: transformer
  plugin: replay
  options: { table: data/chinchilla/svg_extracted_data.csv, dropHighest: 5, steps: 1, noise: 0.01 }
dimensions:
  params: { min: 1e7, max: 2e10, scale: log }
  data: { min: 1e8, max: 1e12, scale: log }
  seed: { values: [${Array.from({ length: seeds }, (_, i) => i).join(', ')}] }
budget: { trials: ${trials} }
parallelism: ${parallelism}
resourceClass: ${QUEUE}
planner: { kind: random, seed: 0, batchSize: ${batch} }
law: { name: chinchilla, metric: eval_loss, variables: { N: params, D: data }, bootstrap: ${bootstrap} }
trial: { logEvery: 1, evalEvery: 1, checkpointEvery: 1000, timeoutSeconds: 600, heartbeatSeconds: 60, maxAttempts: 3 }
`;

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const ms = (t: TemporalTypes.api.history.v1.IHistoryEvent['eventTime']): number => Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;
const kb = (pid: number, field: 'VmHWM' | 'VmRSS'): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);

function child(script: string, args: string[]): Promise<ChildProcess> {
  const c = spawn(process.execPath, ['--import', 'tsx', join(here, script), ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    c.stdout?.on('data', (b: Buffer) => (b.toString().includes('ready') ? resolve(c) : undefined));
    c.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'slab-orch-bench-'));
const token = 'bench-token-0123456789abcdef';
const children: ChildProcess[] = [];
const dev = await startDevServer({ stateDir: join(dir, 'temporal'), headless: true });
const connection = await connectTemporal(dev.address);
const gateway = await startGateway({ dbPath: join(dir, 'slab.sqlite'), token, control: createTemporalSweepControl(connection), log: () => undefined });
try {
  const orchestrator = await child('orchestrator-proc.ts', [dev.address, gateway.url, token]);
  children.push(orchestrator);
  const trainer = await child('trainer-proc.ts', [dev.address, gateway.wsUrl, token, QUEUE, String(trainerSlots), join(dir, 'checkpoints')]);
  children.push(trainer);

  const load = [loadavg()[0]];
  const client = new GatewayClient(gateway.url, token);
  const t0 = Date.now();
  const { id } = await client.createSweep(spec);
  let phase = '';
  let stopReason: string | undefined;
  let peakRssKb = 0;
  while (!['completed', 'failed', 'cancelled'].includes(phase)) {
    await new Promise((r) => setTimeout(r, 1000));
    ({ phase, stopReason } = (await client.getSweep(id)).status);
    peakRssKb = Math.max(peakRssKb, kb(orchestrator.pid!, 'VmRSS'));
    load.push(loadavg()[0]);
  }
  const seconds = (Date.now() - t0) / 1000;
  const rows = await client.trials(id);
  const done = rows.filter((r) => r.status === 'completed');

  // Every run of the workflow (continue-as-new makes new runs of the same id).
  const temporalClient = new Client({ connection });
  const workflowId = sweepWorkflowId(id);
  const runs: { runId: string; events: number; bytes: number }[] = [];
  const latencies: number[] = [];
  const ends: number[] = [];
  for await (const exec of temporalClient.workflow.list({ query: `WorkflowId = "${workflowId}"` })) {
    const history = await temporalClient.workflow.getHandle(workflowId, exec.runId).fetchHistory();
    const scheduled = new Map<string, { at: number; type: string }>();
    for (const e of history.events ?? []) {
      if (e.activityTaskScheduledEventAttributes) scheduled.set(String(e.eventId), { at: ms(e.eventTime), type: e.activityTaskScheduledEventAttributes.activityType?.name ?? '' });
      if (e.activityTaskStartedEventAttributes) {
        const s = scheduled.get(String(e.activityTaskStartedEventAttributes.scheduledEventId));
        if (s?.type === 'runTrial') latencies.push(ms(e.eventTime) - s.at);
      }
      const completed = e.activityTaskCompletedEventAttributes;
      if (completed && scheduled.get(String(completed.scheduledEventId))?.type === 'runTrial') ends.push(ms(e.eventTime));
    }
    runs.push({ runId: exec.runId, events: history.events?.length ?? 0, bytes: temporal.api.history.v1.History.encode(history).finish().length });
  }
  // Steady state: trials completed per minute over the middle 80% of completions (no start-up, no last fit).
  ends.sort((a, b) => a - b);
  const [i10, i90] = [Math.floor(0.1 * ends.length), Math.floor(0.9 * ends.length)];
  const steady = (i90 - i10) / ((ends[i90 - 1] - ends[i10]) / 60_000);
  const result = {
    trials,
    completed: done.length,
    phase,
    stopReason,
    parallelism,
    trainerSlots,
    batch,
    seconds,
    trialsPerMinEndToEnd: done.length / (seconds / 60),
    trialsPerMinSteady: steady,
    scheduleToStartMs: { n: latencies.length, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), max: Math.max(...latencies) },
    orchestratorPeakRssMb: Math.max(kb(orchestrator.pid!, 'VmHWM'), peakRssKb) / 1024,
    trainerPeakRssMb: kb(trainer.pid!, 'VmHWM') / 1024,
    workflowRuns: runs.length,
    historyEventsMax: Math.max(...runs.map((r) => r.events)),
    historyBytesMax: Math.max(...runs.map((r) => r.bytes)),
    historyBytesTotal: runs.reduce((s, r) => s + r.bytes, 0),
    loadAverage: { min: Math.min(...load), max: Math.max(...load) },
  };
  console.log(JSON.stringify(result, null, 2));
  if (values.json) writeFileSync(values.json, `${JSON.stringify(result, null, 2)}\n`);
} finally {
  for (const c of children) c.kill('SIGKILL');
  await gateway.close();
  await connection.close();
  await dev.stop();
  rmSync(dir, { recursive: true, force: true });
}
