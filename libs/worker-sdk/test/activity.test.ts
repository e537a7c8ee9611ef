import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { TrialRequest, TrialResult } from '@slab/spec';
import { afterAll, describe, expect, it } from 'vitest';
import { createTrialActivities, type MetricEmitterLike } from '../src/activity';
import { InvalidTrialError, type TrainerPlugin } from '../src/plugin';

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const mockEnv = (info?: ConstructorParameters<typeof MockActivityEnvironment>[0]) => new MockActivityEnvironment(info, { logger: quiet });
const root = mkdtempSync(join(tmpdir(), 'slab-activity-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Records what the activity streams, like the gateway would see it. */
function recordingEmitter() {
  const points: { trialId: string; step: number; name: string; value: number }[] = [];
  const events: { trialId: string; status: string; info?: Record<string, unknown> }[] = [];
  let flushes = 0;
  let released = 0;
  const attempts: number[] = [];
  const emitter: MetricEmitterLike = {
    release: () => {
      released += 1;
      return true;
    },
    openTrial: (_sweepId, trialId, attempt) => {
      attempts.push(attempt ?? -1);
      return {
        point: (step, name, value) => points.push({ trialId, step, name, value }),
        event: (status, info) => events.push({ trialId, status, info }),
        flush: async () => {
          flushes += 1;
        },
      };
    },
  };
  return { emitter, points, events, attempts, flushes: () => flushes, released: () => released };
}

/** A tiny trainer: `steps` steps of loss 1/(step+1), checkpoint each step; diverges when lr > 1. */
function countingPlugin(steps: number, started: number[] = []): TrainerPlugin {
  return {
    name: 'counting',
    init: async () => ({ backend: 'test-cpu' }),
    validate(request) {
      if ((request.config.width ?? 1) <= 0) throw new InvalidTrialError(`config.width: expected a positive integer, got ${request.config.width}`);
    },
    async run(ctx) {
      const from = ctx.resume ? ctx.resume.step + 1 : 0;
      started.push(from);
      let step = from;
      for (; step < steps; step++) {
        if (ctx.signal.aborted) break;
        if ((ctx.request.config.learningRate ?? 0) > 1 && step === 3) {
          return result(ctx.request, 'diverged', from, step, 'loss became NaN at step 3');
        }
        ctx.emit(step, 'train_loss', 1 / (step + 1));
        ctx.progress({ step, checkpointUri: join(ctx.checkpointDir, `ckpt-${step}`) });
        await new Promise((r) => setImmediate(r));
      }
      return result(ctx.request, ctx.signal.aborted ? 'stopped' : 'completed', from, step);
    },
  };
}

function result(request: TrialRequest, status: TrialResult['status'], from: number, steps: number, reason?: string): TrialResult {
  return {
    trialId: request.trialId, status, params: 100, data: steps * 10, flops: 6 * 100 * steps * 10,
    final: { eval_loss: status === 'diverged' ? null : 1 / steps }, resumedFromStep: from, steps, backend: '', wallSeconds: 0.01,
    ...(reason ? { reason } : {}),
  };
}

const request = (overrides: Partial<TrialRequest['config']> = {}): TrialRequest => ({
  sweepId: 's1', trialId: 's1-t0000', task: { dataset: 'synthetic', model: 'mlp', plugin: 'counting' },
  config: { width: 8, data: 100, ...overrides }, logEvery: 1, evalEvery: 5, checkpointEvery: 1,
});

describe('runTrial activity', () => {
  it('runs a fresh trial: streams points, heartbeats progress, emits running → completed, flushes', async () => {
    const rec = recordingEmitter();
    const { runTrial } = createTrialActivities({ plugin: countingPlugin(10), emitter: rec.emitter, checkpointRoot: root, log: () => {} });
    const env = mockEnv();
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    const r = (await env.run(runTrial, request())) as TrialResult;
    expect(r.status).toBe('completed');
    expect(r.backend).toBe('test-cpu');
    expect(r.resumedFromStep).toBe(0);
    expect(rec.points.map((p) => p.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(beats).toHaveLength(10);
    expect(beats[9]).toMatchObject({ step: 9 });
    expect(rec.events.map((e) => e.status)).toEqual(['running', 'completed']);
    expect(rec.events[1].info).toMatchObject({ backend: 'test-cpu', steps: 10 });
    expect(rec.flushes()).toBe(1);
    expect(rec.released()).toBe(1); // the worker forgets the trial's stream once it is acked
    expect(existsSync(join(root, 's1', 's1-t0000'))).toBe(true);
  });

  it('resumes a retried attempt from the last heartbeat details', async () => {
    const rec = recordingEmitter();
    const started: number[] = [];
    const { runTrial } = createTrialActivities({ plugin: countingPlugin(10, started), emitter: rec.emitter, checkpointRoot: root, log: () => {} });
    const env = mockEnv({ attempt: 2, heartbeatDetails: { step: 6, checkpointUri: '/ckpt/6' } });
    const r = (await env.run(runTrial, request())) as TrialResult;
    expect(started).toEqual([7]);
    expect(r.resumedFromStep).toBe(7);
    expect(rec.points.map((p) => p.step)).toEqual([7, 8, 9]);
    expect(rec.events[0]).toMatchObject({ status: 'running', info: { attempt: 2, resumedFromStep: 6 } });
    expect(rec.attempts).toEqual([2]); // the attempt fences the trial's metric stream at the gateway
  });

  it('resumes from the checkpoint recorded on disk when the last heartbeat to reach the server is older', async () => {
    // The SDK throttles heartbeats, so after a SIGKILL the server may only hold an early step.
    const { writeFileSync } = await import('node:fs');
    const started: number[] = [];
    const crashing: TrainerPlugin = {
      ...countingPlugin(10, started),
      async run(ctx) {
        const from = ctx.resume ? ctx.resume.step + 1 : 0;
        started.push(from);
        for (let step = from; step < 10; step++) {
          const uri = join(ctx.checkpointDir, `ckpt-${step}`);
          writeFileSync(uri, String(step));
          ctx.progress({ step, checkpointUri: uri });
          if (started.length === 1 && step === 6) throw new Error('worker killed');
        }
        return result(ctx.request, 'completed', from, 10);
      },
    };
    const req = { ...request(), trialId: 's1-t0042' };
    const { runTrial } = createTrialActivities({ plugin: crashing, emitter: recordingEmitter().emitter, checkpointRoot: root, log: () => {} });
    await expect(mockEnv().run(runTrial, req)).rejects.toThrow('worker killed');
    const stale = { step: 1, checkpointUri: join(root, 's1', 's1-t0042', 'ckpt-1') };
    const r = (await mockEnv({ attempt: 2, heartbeatDetails: stale }).run(runTrial, req)) as TrialResult;
    expect(started).toEqual([0, 7]);
    expect(r.resumedFromStep).toBe(7);
  });

  it('turns cancellation into an aborted ctx.signal, a stopped event and a CancelledFailure', async () => {
    const rec = recordingEmitter();
    const { runTrial } = createTrialActivities({ plugin: countingPlugin(1000), emitter: rec.emitter, checkpointRoot: root, log: () => {} });
    const env = mockEnv();
    let beats = 0;
    env.on('heartbeat', () => {
      if (++beats === 3) env.cancel();
    });
    await expect(env.run(runTrial, request())).rejects.toBeInstanceOf(CancelledFailure);
    expect(rec.points.length).toBeLessThan(10);
    expect(rec.events.map((e) => e.status)).toEqual(['running', 'stopped']);
    expect(rec.flushes()).toBe(1);
  });

  it('reports divergence as a result, not an error', async () => {
    const rec = recordingEmitter();
    const { runTrial } = createTrialActivities({ plugin: countingPlugin(10), emitter: rec.emitter, checkpointRoot: root, log: () => {} });
    const r = (await mockEnv().run(runTrial, request({ learningRate: 5 }))) as TrialResult;
    expect(r.status).toBe('diverged');
    expect(r.final.eval_loss).toBeNull();
    expect(rec.events.map((e) => e.status)).toEqual(['running', 'diverged']);
  });

  it('fails invalid input non-retryably with the plugin message, before any event', async () => {
    const rec = recordingEmitter();
    const { runTrial } = createTrialActivities({ plugin: countingPlugin(10), emitter: rec.emitter, checkpointRoot: root, log: () => {} });
    const err = await mockEnv().run(runTrial, request({ width: -3 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).nonRetryable).toBe(true);
    expect((err as ApplicationFailure).type).toBe('InvalidTrialError');
    expect((err as Error).message).toBe('config.width: expected a positive integer, got -3');
    expect(rec.events).toEqual([]);
  });

  it('names the field when the request itself is malformed', async () => {
    const rec = recordingEmitter();
    const { runTrial } = createTrialActivities({ plugin: countingPlugin(10), emitter: rec.emitter, checkpointRoot: root, log: () => {} });
    const bad = { ...request(), trialId: '' };
    await expect(mockEnv().run(runTrial, bad)).rejects.toThrow('request.trialId: expected a non-empty string, got ""');
  });

  it('rethrows a plugin crash as retryable after a failed event', async () => {
    const rec = recordingEmitter();
    const plugin: TrainerPlugin = { name: 'crashy', run: async () => { throw new Error('out of memory'); } };
    const { runTrial } = createTrialActivities({ plugin, emitter: rec.emitter, checkpointRoot: root, log: () => {} });
    const err = await mockEnv().run(runTrial, request()).catch((e: unknown) => e);
    expect((err as Error).message).toBe('out of memory');
    expect(err).not.toBeInstanceOf(ApplicationFailure);
    expect(rec.events.map((e) => e.status)).toEqual(['running', 'failed']);
  });
});

describe('runTrial keep-alive', () => {
  it('re-sends the last progress while the plugin is busy between reports', async () => {
    const rec = recordingEmitter();
    let release!: () => void;
    const plugin: TrainerPlugin = {
      name: 'slow-eval',
      async run(ctx) {
        ctx.progress({ step: 4, checkpointUri: 'ckpt-4' });
        await new Promise<void>((r) => (release = r)); // a long evaluation that reports nothing
        return result(ctx.request, 'completed', 0, 5);
      },
    };
    const { runTrial } = createTrialActivities({ plugin, emitter: rec.emitter, checkpointRoot: root, log: () => {} });
    const env = mockEnv({ heartbeatTimeoutMs: 1000 });
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => {
      beats.push(d);
      if (beats.length === 3) release();
    });
    await env.run(runTrial, request());
    expect(beats).toEqual([{ step: 4, checkpointUri: 'ckpt-4' }, { step: 4, checkpointUri: 'ckpt-4' }, { step: 4, checkpointUri: 'ckpt-4' }]);
  });
});

describe('runTrial after a kill between a checkpoint and the ack of its metrics', () => {
  it('sends again the points the killed attempt emitted before its checkpoint but never saw acked', async () => {
    const { writeFileSync } = await import('node:fs');
    const sent: { step: number; name: string; value: number }[] = [];
    let acked = false;
    // A gateway that never acks during the first attempt (it was killed before the acks came).
    const emitter: MetricEmitterLike = {
      openTrial: () => ({
        point: (step, name, value) => sent.push({ step, name, value }),
        event: () => undefined,
        flush: async () => undefined,
        get unacked() {
          return acked ? 0 : 5;
        },
      }),
    };
    const started: number[] = [];
    const plugin: TrainerPlugin = {
      ...countingPlugin(10, started),
      async run(ctx) {
        const from = ctx.resume ? ctx.resume.step + 1 : 0;
        started.push(from);
        for (let step = from; step < 10; step++) {
          ctx.emit(step, 'train_loss', 1 / (step + 1));
          if (step % 3 === 2) {
            const uri = join(ctx.checkpointDir, `ckpt-${step}`);
            writeFileSync(uri, String(step));
            ctx.progress({ step, checkpointUri: uri });
          }
          if (started.length === 1 && step === 6) throw new Error('worker killed');
        }
        return result(ctx.request, 'completed', from, 10);
      },
    };
    const req = { ...request(), trialId: 's1-t0077' };
    const { runTrial } = createTrialActivities({ plugin, emitter, checkpointRoot: root, log: () => {} });
    await expect(mockEnv().run(runTrial, req)).rejects.toThrow('worker killed');
    // Attempt 1 emitted steps 0..6 and checkpointed at 5; none of it was acked, then the points were lost.
    sent.length = 0;
    acked = true;
    await mockEnv({ attempt: 2 }).run(runTrial, req);
    expect(started).toEqual([0, 6]);
    // Steps 0..5 come again from the record, then 6..9 from training: nothing missing.
    expect([...new Set(sent.map((p) => p.step))].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('stops a superseded attempt (a retry owns the trial) instead of training on, and reports no result', async () => {
    const events: string[] = [];
    let emitted = 0;
    const message = 'metrics.attempt: attempt 1 of trial "s1-t0088" was superseded by attempt 2; its frames are not stored';
    const emitter: MetricEmitterLike = {
      openTrial: () => ({
        point: () => void (emitted += 1),
        event: (status) => void events.push(status),
        flush: async () => undefined,
        // the gateway refuses the stream once the retry has opened the trial
        get refusal() {
          return emitted >= 3 ? { code: 'superseded', message } : undefined;
        },
      }),
    };
    let steps = 0;
    const plugin: TrainerPlugin = {
      name: 'slow',
      async run(ctx) {
        for (; steps < 100_000 && !ctx.signal.aborted; steps++) {
          ctx.emit(steps, 'train_loss', 1);
          await new Promise((r) => setTimeout(r, 5));
        }
        return result(ctx.request, 'completed', 0, steps);
      },
    };
    const { runTrial } = createTrialActivities({ plugin, emitter, checkpointRoot: root, log: () => {} });
    const err = await mockEnv({ attempt: 1 }).run(runTrial, { ...request(), trialId: 's1-t0088' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).type).toBe('AttemptSuperseded');
    expect((err as Error).message).toBe(`stopped: ${message}`);
    expect(steps).toBeLessThan(100_000);
    expect(events).toEqual(['running']); // no completed event from the zombie
  });
});
