// A trial's checkpoint leaves the node that took it: packed with its unacked points, pushed after each
// checkpoint, pulled by an attempt on a node with a different state directory, and resumed from there.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { TrialRequest, TrialResult } from '@slab/spec';
import { afterAll, describe, expect, it } from 'vitest';
import { createTrialActivities, type MetricEmitterLike } from '../src/activity';
import { archiveStep, packCheckpoint, unpackCheckpoint } from '../src/checkpoint-archive';
import { type CheckpointStoreLike, gatewayHttpUrl, type RemoteCheckpoint } from '../src/checkpoint-sync';
import { readLocalRecord } from '../src/local-record';
import type { TrainerPlugin } from '../src/plugin';

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const mockEnv = (info?: ConstructorParameters<typeof MockActivityEnvironment>[0]) => new MockActivityEnvironment(info, { logger: quiet });
const root = mkdtempSync(join(tmpdir(), 'slab-ckpt-sync-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function archiveWithHeader(header: object, body: Uint8Array = new Uint8Array()): Uint8Array {
  const json = Buffer.from(JSON.stringify(header));
  const lead = Buffer.alloc(12);
  lead.write('SLABCKPA', 0, 'ascii');
  lead.writeUInt32LE(json.length, 8);
  return Buffer.concat([lead, json, body]);
}

describe('checkpoint archive', () => {
  it('carries a checkpoint file and the pending points to another directory, naming it at its new place', () => {
    const a = join(root, 'a1');
    const b = join(root, 'b1');
    mkdirSync(a, { recursive: true });
    writeFileSync(join(a, 'step-000000040.ckpt'), 'weights at 40');
    writeFileSync(join(a, 'progress.json'), '{"machine-local": true}');
    const pending = [{ step: 39, name: 'train_loss', value: 0.5 }, { step: 38, name: 'eval_loss', value: null }];
    const bytes = packCheckpoint(a, { step: 40, checkpointUri: join(a, 'step-000000040.ckpt') }, pending);
    expect(bytes).toBeDefined();
    expect(archiveStep(bytes as Uint8Array)).toBe(40);

    const record = unpackCheckpoint(bytes as Uint8Array, b);
    expect(record.progress).toEqual({ step: 40, checkpointUri: join(b, 'step-000000040.ckpt') });
    expect(readFileSync(join(b, 'step-000000040.ckpt'), 'utf8')).toBe('weights at 40');
    expect(readLocalRecord(b)).toEqual({ progress: record.progress, pending });
  });

  it('packs a checkpoint directory whole, and nothing when the checkpoint is outside the trial directory', () => {
    const a = join(root, 'a2');
    mkdirSync(join(a, 'ck-7', 'shards'), { recursive: true });
    writeFileSync(join(a, 'ck-7', 'meta.json'), '{}');
    writeFileSync(join(a, 'ck-7', 'shards', '0.bin'), 'zero');
    writeFileSync(join(a, 'ck-7', 'shards', '1.bin.tmp'), 'half-written');
    const b = join(root, 'b2');
    const record = unpackCheckpoint(packCheckpoint(a, { step: 7, checkpointUri: join(a, 'ck-7') }, []) as Uint8Array, b);
    expect(record.progress.checkpointUri).toBe(join(b, 'ck-7'));
    expect(readFileSync(join(b, 'ck-7', 'shards', '0.bin'), 'utf8')).toBe('zero');
    expect(existsSync(join(b, 'ck-7', 'shards', '1.bin.tmp'))).toBe(false);

    expect(packCheckpoint(a, { step: 7, checkpointUri: join(root, 'elsewhere.ckpt') }, [])).toBeUndefined();
    expect(packCheckpoint(a, { step: 7, checkpointUri: 's3://bucket/ck-7' }, [])).toBeUndefined();
    expect(packCheckpoint(a, { step: 7 }, [])).toBeUndefined();
  });

  it('refuses archives that would write outside the directory or do not add up, naming the field', () => {
    const dir = join(root, 'b3');
    const header = (files: { path: string; size: number }[], checkpoint = 'x') => ({ version: 1, step: 1, checkpoint, pending: [], files });
    expect(() => unpackCheckpoint(archiveWithHeader(header([{ path: '../evil', size: 1 }]), Buffer.from('e')), dir)).toThrow(/files\[0\]\.path: expected a relative path.*"\.\.\/evil"/);
    expect(() => unpackCheckpoint(archiveWithHeader(header([{ path: '/etc/evil', size: 1 }]), Buffer.from('e')), dir)).toThrow(/files\[0\]\.path/);
    expect(() => unpackCheckpoint(archiveWithHeader(header([{ path: 'a/./b', size: 1 }]), Buffer.from('e')), dir)).toThrow(/files\[0\]\.path/);
    expect(() => unpackCheckpoint(archiveWithHeader(header([{ path: 'progress.json', size: 1 }]), Buffer.from('e')), dir)).toThrow(/files\[0\]\.path/);
    expect(() => unpackCheckpoint(archiveWithHeader(header([], '../../x')), dir)).toThrow(/checkpoint: expected a relative path/);
    expect(() => unpackCheckpoint(archiveWithHeader(header([{ path: 'x', size: 5 }]), Buffer.from('abc')), dir)).toThrow(/sizes add up to 5 bytes, the archive holds 3/);
    expect(() => unpackCheckpoint(archiveWithHeader({ ...header([]), version: 9 }), dir)).toThrow(/version: expected 1, got 9/);
    expect(() => unpackCheckpoint(Buffer.from('not an archive at all'), dir)).toThrow(/expected the SLABCKPA magic/);
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(join(root, 'evil'))).toBe(false);
  });

  it('finds the gateway base URL from its websocket URL', () => {
    expect(gatewayHttpUrl('ws://10.0.0.5:7300/ws')).toBe('http://10.0.0.5:7300');
    expect(gatewayHttpUrl('wss://slab.example/ws')).toBe('https://slab.example');
    expect(gatewayHttpUrl('http://127.0.0.1:7300/')).toBe('http://127.0.0.1:7300');
    expect(() => gatewayHttpUrl('ftp://x')).toThrow(/url: expected an http\(s\) or ws\(s\) URL/);
  });
});

/** The shared store as the gateway keeps it: the newest step per trial, an older attempt refused. */
function memoryStore() {
  const held = new Map<string, RemoteCheckpoint>();
  const pushes: number[] = [];
  const store: CheckpointStoreLike = {
    async push(ref, step, archive) {
      pushes.push(step);
      const current = held.get(ref.trialId);
      if (current && ref.attempt < current.attempt) throw new Error('superseded');
      if (current && current.step >= step) return false;
      held.set(ref.trialId, { step, attempt: ref.attempt, archive: archive.slice() });
      return true;
    },
    async pull(ref, afterStep) {
      const c = held.get(ref.trialId);
      return c && c.step > afterStep ? c : undefined;
    },
  };
  return { store, held, pushes };
}

const request: TrialRequest = {
  sweepId: 's1', trialId: 's1-t0005', task: { dataset: 'synthetic', model: 'mlp', plugin: 'files' },
  config: { width: 8, data: 100 }, logEvery: 1, evalEvery: 5, checkpointEvery: 3,
};

/** Trains 10 steps, checkpointing every 3rd step to a file holding the step; `killAt` throws there on the first run. */
function filePlugin(started: number[], killAt?: number): TrainerPlugin {
  return {
    name: 'files',
    async run(ctx) {
      let from = 0;
      if (ctx.resume?.checkpointUri) from = Number(readFileSync(ctx.resume.checkpointUri, 'utf8')) + 1;
      started.push(from);
      for (let step = from; step < 10; step++) {
        ctx.emit(step, 'train_loss', 1 / (step + 1));
        if (step % 3 === 2) {
          const uri = join(ctx.checkpointDir, `step-${step}.ckpt`);
          writeFileSync(uri, String(step));
          ctx.progress({ step, checkpointUri: uri });
        }
        if (started.length === 1 && step === killAt) throw new Error('node lost');
      }
      const r: TrialResult = { trialId: ctx.request.trialId, status: 'completed', params: 1, data: 10, flops: 60, final: {}, resumedFromStep: from, steps: 10, backend: '', wallSeconds: 0 };
      return r;
    },
  };
}

describe('runTrial with a shared checkpoint store', () => {
  it('resumes on a node with another state directory from the checkpoint the lost node pushed, resending its unacked points', async () => {
    const sent: number[] = [];
    let acked = false;
    const emitter: MetricEmitterLike = {
      openTrial: () => ({
        point: (step) => sent.push(step),
        event: () => undefined,
        flush: async () => undefined,
        get unacked() {
          return acked ? 0 : 2; // node A never saw an ack
        },
      }),
    };
    const shared = memoryStore();
    const started: number[] = [];
    const nodeA = join(root, 'node-a');
    const nodeB = join(root, 'node-b');
    const a = createTrialActivities({ plugin: filePlugin(started, 6), emitter, checkpointRoot: nodeA, checkpoints: shared.store, log: () => {} });
    await expect(mockEnv({ attempt: 1 }).run(a.runTrial, request)).rejects.toThrow('node lost');
    expect(shared.held.get(request.trialId)?.step).toBe(5);
    const lastBeat = { step: 5, checkpointUri: join(nodeA, 's1', 's1-t0005', 'step-5.ckpt') };
    rmSync(nodeA, { recursive: true, force: true }); // the node is gone, and its disk with it

    sent.length = 0;
    acked = true;
    const b = createTrialActivities({ plugin: filePlugin(started), emitter, checkpointRoot: nodeB, checkpoints: shared.store, log: () => {} });
    const r = (await mockEnv({ attempt: 2, heartbeatDetails: lastBeat }).run(b.runTrial, request)) as TrialResult;
    expect(r.status).toBe('completed');
    expect(started).toEqual([0, 6]);
    expect(readLocalRecord(join(nodeB, 's1', 's1-t0005'))?.progress.step).toBe(8);
    // Steps 0..5 from the pulled record (never acked on node A), 6..9 from training: every step.
    expect([...new Set(sent)].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Node B pushed its own checkpoints as it went.
    expect(shared.held.get(request.trialId)).toMatchObject({ step: 8, attempt: 2 });
  });

  it('keeps its own checkpoint when it is newer than the shared one, and trains on when the store fails', async () => {
    const emitter: MetricEmitterLike = { openTrial: () => ({ point: () => undefined, event: () => undefined, flush: async () => undefined, unacked: 0 }) };
    const logs: string[] = [];
    const broken: CheckpointStoreLike = {
      push: async () => {
        throw new Error('gateway answered 503');
      },
      pull: async () => {
        throw new Error('connection refused');
      },
    };
    const started: number[] = [];
    const node = join(root, 'node-c');
    const acts = createTrialActivities({ plugin: filePlugin(started, 6), emitter, checkpointRoot: node, checkpoints: broken, log: (m) => logs.push(m) });
    await expect(mockEnv({ attempt: 1 }).run(acts.runTrial, { ...request, trialId: 's1-t0006' })).rejects.toThrow('node lost');
    expect(logs.join('\n')).toMatch(/could not fetch a shared checkpoint: connection refused/);
    expect(logs.join('\n')).toMatch(/checkpoint at step 5 not shared: gateway answered 503/);

    // The shared store holds an older checkpoint than this node's own: the local one wins, nothing is pulled.
    const shared = memoryStore();
    await shared.store.push({ sweepId: 's1', trialId: 's1-t0006', attempt: 1 }, 2, packCheckpoint(join(node, 's1', 's1-t0006'), { step: 2, checkpointUri: join(node, 's1', 's1-t0006', 'step-2.ckpt') }, []) ?? new Uint8Array());
    const again = createTrialActivities({ plugin: filePlugin(started), emitter, checkpointRoot: node, checkpoints: shared.store, log: () => {} });
    const r = (await mockEnv({ attempt: 2 }).run(again.runTrial, { ...request, trialId: 's1-t0006' })) as TrialResult;
    expect(r.resumedFromStep).toBe(6);
    expect(started).toEqual([0, 6]);
  });
});
