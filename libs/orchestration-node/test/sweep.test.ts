/**
 * sweepWorkflow on the real Temporal dev server (pinned CLI via testWorkflowEnv): real orchestrator
 * activities (@slab/planner, @slab/laws), the real runTrial activity around a tiny in-test plugin.
 */
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { WorkflowFailedError } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { testWorkflowEnv } from '@slab/temporal-dev';
import { sweepWorkflowId, type SweepStatus, type SweepWorkflowInput } from '@slab/orchestration';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTemporalSweepControl, createTrainerWorker, runOrchestratorWorker, runTrainerWorker, type TemporalSweepControl } from '../src';
import { createReplayPlugin } from '@slab/worker-replay';
import { collectingEmitter, collectingGateway, syntheticPlugin, testSpec, waitFor } from './helpers';

const HISTORIES = fileURLToPath(new URL('../../orchestration/test/histories/', import.meta.url));

let env: TestWorkflowEnvironment;
const stopOrchestrator = new AbortController();
let orchestratorRun: Promise<void>;
let control: TemporalSweepControl;
const gateway = collectingGateway();
const checkpointRoot = mkdtempSync(join(tmpdir(), 'slab-sweep-'));

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  env = await testWorkflowEnv();
  // The public entry point `slab up` uses: dials the address itself, stops on abort.
  orchestratorRun = runOrchestratorWorker({ address: env.address, gatewayUrl: 'unused', token: 'unused', gateway, signal: stopOrchestrator.signal });
  control = createTemporalSweepControl(env.client);
}, 120_000);

afterAll(async () => {
  stopOrchestrator.abort();
  await orchestratorRun;
  await env?.teardown();
  rmSync(checkpointRoot, { recursive: true, force: true });
}, 60_000);

/** Runs `body` while a trainer worker with a fresh synthetic plugin serves `queue`. */
async function withTrainer<T>(queue: string, body: (probe: ReturnType<typeof syntheticPlugin>['probe'], emitter: ReturnType<typeof collectingEmitter>) => Promise<T>): Promise<T> {
  const { plugin, probe } = syntheticPlugin();
  const emitter = collectingEmitter();
  const worker = await createTrainerWorker({
    connection: env.nativeConnection, queue, plugin, emitter, checkpointRoot, concurrency: 4, shutdownGraceMs: 1000, log: () => undefined,
  });
  return worker.runUntil(body(probe, emitter));
}

/**
 * Saves the sweep's history for the replay test in libs/orchestration (when missing, or with
 * RECORD_HISTORIES=1 after an intended workflow change).
 */
async function recordHistory(sweepId: string): Promise<void> {
  const file = join(HISTORIES, `sweep-${sweepId}.json`);
  if (process.env.RECORD_HISTORIES !== '1' && existsSync(file)) return;
  const history = await env.client.workflow.getHandle(sweepWorkflowId(sweepId)).fetchHistory();
  writeFileSync(file, historyToJSON(history));
}

const reportsOf = (sweepId: string) => gateway.reports.filter((r) => r.status.sweepId === sweepId);

describe('sweepWorkflow on the dev server', () => {
  it('runs 8 trials with bounded parallelism, counts failed and diverged, fits, reports, answers status', async () => {
    const sweepId = 'basic';
    const spec = testSpec({ resourceClass: 'q-basic' });
    const final = await withTrainer('q-basic', async (probe, emitter) => {
      probe.hold(); // the first trials wait, so the window is seen full
      await control.startWith({ sweepId, spec });
      await waitFor(async () => probe.started.length, (n) => n === 2, 'two trials in the plugin');
      const mid = await control.status(sweepId);
      expect(mid).toMatchObject({ sweepId, phase: 'running', batch: 0, trials: { planned: 4, running: 2, completed: 0 } });
      expect(await control.status('no-such-sweep')).toBeUndefined();
      probe.release();
      const done = await control.result(sweepId);
      expect(probe.maxRunning).toBe(2);
      expect([...probe.started].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => `basic-t000${i}`));
      expect(emitter.events.filter((e) => e.status === 'completed')).toHaveLength(6);
      return done;
    });
    expect(final.phase).toBe('completed');
    expect(final.trials).toEqual({ planned: 8, running: 0, completed: 6, diverged: 1, failed: 1 });
    expect(final.batch).toBe(2);
    expect(final.stopReason).toMatch(/trial cap/);
    expect(final.flopsSpent).toBeGreaterThan(0);
    expect(final.lastFit?.skipped).toBeUndefined();
    expect(final.lastFit?.nPoints).toBe(6);
    expect(final.lastFit?.target?.label).toMatch(/eval_loss at N=/);
    // The synthetic law's exponent is recovered from six noiseless points.
    expect(final.lastFit?.params.alpha).toBeCloseTo(0.34, 1);

    const reports = reportsOf(sweepId);
    expect(reports.flatMap((r) => r.newTrials ?? []).map((t) => t.trialId)).toHaveLength(8);
    const finished = reports.flatMap((r) => r.finished ?? []);
    expect(finished).toHaveLength(8);
    expect(finished.find((r) => r.status === 'failed')?.reason).toMatch(/synthetic crash/);
    expect(reports.filter((r) => r.fit)).toHaveLength(2);
    expect(reports.at(-1)?.status.phase).toBe('completed');

    await recordHistory(sweepId);
  }, 90_000);

  it('pauses (running trials finish, no new ones start) and resumes', async () => {
    const sweepId = 'pausing';
    const spec = testSpec({ resourceClass: 'q-pause', parallelism: 1, budget: { trials: 3 } });
    const final = await withTrainer('q-pause', async (probe) => {
      probe.hold();
      await control.startWith({ sweepId, spec });
      await waitFor(async () => probe.started.length, (n) => n === 1, 'first trial to start');
      await control.signal(sweepId, 'pause');
      probe.release();
      const paused = await waitFor(() => control.status(sweepId), (s) => s?.phase === 'paused' && s.trials.running === 0, 'paused, idle');
      expect(paused?.trials.completed).toBe(1);
      await waitFor(async () => reportsOf(sweepId).some((r) => r.status.phase === 'paused'), Boolean, 'paused report');
      // Still paused and idle on a second look: nothing started meanwhile.
      expect(probe.started).toHaveLength(1);
      await control.signal(sweepId, 'resume');
      return control.result(sweepId);
    });
    expect(final.phase).toBe('completed');
    expect(final.trials.completed + final.trials.failed).toBe(3);
    await recordHistory(sweepId);
  }, 60_000);

  it('cancels: running trials are cancelled, the sweep reports and ends cancelled', async () => {
    const sweepId = 'cancelling';
    const spec = testSpec({ resourceClass: 'q-cancel', parallelism: 2, trial: { ...testSpec().trial, heartbeatSeconds: 1 } });
    const { final, emitter } = await withTrainer('q-cancel', async (probe, emitter) => {
      probe.hold();
      await control.startWith({ sweepId, spec });
      await waitFor(async () => probe.started.length, (n) => n === 2, 'two trials in the plugin');
      await control.signal(sweepId, 'cancel');
      return { final: await control.result(sweepId), emitter };
    });
    expect(final.phase).toBe('cancelled');
    expect(final.stopReason).toBe('cancelled by user');
    expect(final.trials.completed).toBe(0);
    expect(final.batch).toBe(1);
    const finished = reportsOf(sweepId).flatMap((r) => r.finished ?? []);
    expect(finished.map((r) => r.status)).toEqual(['stopped', 'stopped', 'stopped', 'stopped']);
    expect(emitter.events.filter((e) => e.status === 'stopped')).toHaveLength(2);
    expect(reportsOf(sweepId).at(-1)?.status.phase).toBe('cancelled');
    await recordHistory(sweepId);
  }, 60_000);

  it('stops gently: running trials finish and are fitted, no new trial starts, the sweep ends cancelled', async () => {
    const sweepId = 'stopping';
    const spec = testSpec({ resourceClass: 'q-stop', parallelism: 2, trial: { ...testSpec().trial, heartbeatSeconds: 1 } });
    const final = await withTrainer('q-stop', async (probe) => {
      probe.hold();
      await control.startWith({ sweepId, spec });
      await waitFor(async () => probe.started.length, (n) => n === 2, 'two trials in the plugin');
      // Accepted by the server before the held trials go on: they must still finish.
      await control.signal(sweepId, 'stop');
      probe.release();
      return control.result(sweepId);
    });
    expect(final.phase).toBe('cancelled');
    expect(final.stopReason).toBe('stopped by user: running trials finished, no new ones started');
    expect(final.trials.completed).toBe(2);
    expect(final.batch).toBe(1);
    const finished = reportsOf(sweepId).flatMap((r) => r.finished ?? []);
    expect(finished.map((r) => r.status).sort()).toEqual(['completed', 'completed', 'stopped', 'stopped']);
    expect(finished.filter((r) => r.status === 'stopped').every((r) => r.reason === final.stopReason)).toBe(true);
    await recordHistory(sweepId);
  }, 60_000);

  it('continues as new past the history limit, carrying compact state', async () => {
    const sweepId = 'long';
    const spec = testSpec({ resourceClass: 'q-long', planner: { kind: 'grid', batchSize: 2, seed: 7 } });
    // runTrainerWorker as `slab worker` uses it: its own connection, stopped by an AbortSignal.
    const { plugin } = syntheticPlugin();
    const stopTrainer = new AbortController();
    const trainer = runTrainerWorker({
      address: env.address, queue: 'q-long', plugin, emitter: collectingEmitter(), checkpointRoot, signal: stopTrainer.signal, log: () => undefined,
    });
    await control.startWith({ sweepId, spec, historyLimit: 20 });
    const final = await control.result(sweepId);
    stopTrainer.abort();
    await trainer;
    expect(final.phase).toBe('completed');
    expect(final.batch).toBe(4);
    expect(final.trials).toEqual({ planned: 8, running: 0, completed: 6, diverged: 1, failed: 1 });
    // The last run was started by continue-as-new with the compact state of three finished batches.
    const history = await env.client.workflow.getHandle(sweepWorkflowId(sweepId)).fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    expect(started?.continuedExecutionRunId).toBeTruthy();
    const payload = started?.input?.payloads?.[0]?.data;
    const input = JSON.parse(Buffer.from(payload ?? new Uint8Array()).toString('utf8')) as SweepWorkflowInput;
    expect(input.carried).toMatchObject({ batch: 3, nextTrialIndex: 6, paused: false, stored: 6 });
    expect(Object.values(input.carried!.counts!).reduce((a, b) => a + b, 0)).toBe(6);
    // Reported results live in the store; the carried state keeps none of them.
    expect(input.carried?.results).toHaveLength(0);
    expect(input.carried?.lastFit?.law).toBe('chinchilla');
    await recordHistory(sweepId);
  }, 90_000);

  it('a long replay sweep crosses many continue-as-new boundaries; the carried state does not grow with its results', async () => {
    const sweepId = 'long-replay';
    const spec = testSpec({
      task: { dataset: 'chinchilla', model: 'transformer', plugin: 'replay', options: { table: 'data/chinchilla/svg_extracted_data.csv', dropHighest: 5, steps: 20 } },
      dimensions: { params: { min: 5e7, max: 2e10, scale: 'log' }, data: { min: 2e8, max: 4e11, scale: 'log' } },
      budget: { trials: 48 },
      parallelism: 4,
      planner: { kind: 'random', batchSize: 4, seed: 3 },
      law: { name: 'chinchilla', metric: 'eval_loss', bootstrap: 0 },
      resourceClass: 'q-long-replay',
    });
    const worker = await createTrainerWorker({
      connection: env.nativeConnection, queue: 'q-long-replay', plugin: createReplayPlugin(), emitter: collectingEmitter(), checkpointRoot, concurrency: 4, shutdownGraceMs: 1000, log: () => undefined,
    });
    const final = await worker.runUntil(async () => {
      await control.startWith({ sweepId, spec, historyLimit: 40 });
      return control.result(sweepId);
    });
    expect(final.phase).toBe('completed');
    expect(final.trials).toMatchObject({ planned: 48, completed: 48, failed: 0 });
    // Each continue-as-new is a step of a live sweep: the gateway is never told it failed.
    expect(reportsOf(sweepId).map((r) => r.status.phase)).not.toContain('failed');
    // The last fit saw every trial, most of them loaded from the store, not from workflow state.
    expect(final.lastFit?.nPoints).toBe(48);
    // Walk the chain of runs back from the last: each was started by continue-as-new.
    const inputs: { carried: NonNullable<SweepWorkflowInput['carried']>; bytes: number }[] = [];
    for (let runId: string | undefined = (await env.client.workflow.getHandle(sweepWorkflowId(sweepId)).describe()).runId; runId; ) {
      const history: Awaited<ReturnType<ReturnType<typeof env.client.workflow.getHandle>['fetchHistory']>> = await env.client.workflow.getHandle(sweepWorkflowId(sweepId), runId).fetchHistory();
      const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      const data = started?.input?.payloads?.[0]?.data ?? new Uint8Array();
      const input = JSON.parse(Buffer.from(data).toString('utf8')) as SweepWorkflowInput;
      if (input.carried) inputs.push({ carried: input.carried, bytes: data.length });
      runId = started?.continuedExecutionRunId || undefined;
    }
    expect(inputs.length).toBeGreaterThanOrEqual(5);
    for (const { carried } of inputs) expect(carried.results).toHaveLength(0);
    // Growth per trial is its planned config (about 70 bytes here), not its result: 10,000 trials
    // carry under 1 MB, well below Temporal's 2 MB payload limit.
    const [last, first] = [inputs[0], inputs.at(-1)!];
    const perTrial = (last.bytes - first.bytes) / (last.carried.nextTrialIndex - first.carried.nextTrialIndex);
    expect(perTrial).toBeLessThan(100);
  }, 120_000);

  it('a planner error is stored and shown with its cause, not "Activity task failed"', async () => {
    const sweepId = 'round-grid';
    // A replay grid of round sizes (no run of the vendored Chinchilla table lies at them).
    const spec = testSpec({
      task: { dataset: 'chinchilla', model: 'transformer', plugin: 'replay', options: { table: 'data/chinchilla/svg_extracted_data.csv' } },
      dimensions: { params: { values: [1e8, 4e8] }, data: { values: [5e9, 2e10] } },
      resourceClass: 'q-round-grid',
    });
    await control.start(sweepId, spec);
    const err = await control.result(sweepId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const last = reportsOf(sweepId).at(-1)!.status;
    expect(last.phase).toBe('failed');
    expect(last.stopReason).toMatch(/^sweep failed: planBatch: dimensions\.params\/dimensions\.data: no run of data\/chinchilla\/svg_extracted_data\.csv \(245 runs\) lies at these sizes: .*nearest runs: N=1\.00e\+8 D=5\.00e\+9 → nearest run N=/);
    expect(last.stopReason).not.toContain('Activity task failed');
  }, 60_000);

  it('a sweep whose every fit failed completes flagged fit failed, with the cause', async () => {
    const sweepId = 'fits-fail';
    // The law needs U, which no trial quantity gives: every fit of every batch fails.
    const spec = testSpec({ resourceClass: 'q-fits-fail', law: { name: 'data-constrained', metric: 'eval_loss', bootstrap: 0, variables: { N: 'params', D: 'data' } }, target: undefined });
    const final = await withTrainer('q-fits-fail', async () => {
      await control.start(sweepId, spec);
      return control.result(sweepId);
    });
    expect(final.phase).toBe('completed');
    expect(final.trials.completed).toBeGreaterThan(0);
    expect(final.fitFailed).toMatch(/law data-constrained needs N, D, U, no mapping for U/);
    expect(reportsOf(sweepId).at(-1)!.status.fitFailed).toBe(final.fitFailed);
  }, 60_000);

  it('fails invalid input non-retryably, naming the field', async () => {
    const bad = testSpec({ parallelism: 0 });
    await control.start('invalid', bad);
    const err = await control.result('invalid').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(String((err as WorkflowFailedError).cause?.message)).toContain('spec.parallelism: expected a positive integer, got 0');
  }, 30_000);
});

export type { SweepStatus };
