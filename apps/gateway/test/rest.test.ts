import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ControlAction, GatewayClient, GatewayError, type SweepControl, type SweepSpec, type SweepStatus } from '@slab/api';
import type { SweepReport } from '@slab/orchestration';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Gateway, startGateway } from '../src/index';
import { quiet, tempDir, TOKEN } from './helpers';

const examples = new URL('../../../examples/', import.meta.url);
const quickstart = readFileSync(new URL('quickstart.yaml', examples), 'utf8');
const threeMistakes = readFileSync(new URL('invalid/three-mistakes.yaml', examples), 'utf8');

/** Records what the gateway asks of the orchestrator (the Temporal one is tested with orchestration). */
class RecordingControl implements SweepControl {
  started: { id: string; spec: SweepSpec }[] = [];
  signals: [string, ControlAction][] = [];
  live = new Map<string, SweepStatus>();
  failStart = false;
  async start(sweepId: string, spec: SweepSpec): Promise<void> {
    if (this.failStart) throw new Error('temporal unreachable');
    this.started.push({ id: sweepId, spec });
  }
  async signal(sweepId: string, name: ControlAction): Promise<void> {
    this.signals.push([sweepId, name]);
  }
  async status(sweepId: string): Promise<SweepStatus | undefined> {
    return this.live.get(sweepId);
  }
}

let tmp: ReturnType<typeof tempDir>;
let gw: Gateway;
let control: RecordingControl;
let client: GatewayClient;

beforeEach(async () => {
  tmp = tempDir();
  const consoleDir = join(tmp.dir, 'console');
  mkdirSync(join(consoleDir, 'assets'), { recursive: true });
  writeFileSync(join(consoleDir, 'index.html'), '<!doctype html><title>Scaling Lab</title>');
  writeFileSync(join(consoleDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(tmp.dir, 'secret.txt'), 'do not serve');
  control = new RecordingControl();
  gw = await startGateway({ dbPath: tmp.dbPath, token: TOKEN, control, consoleDir, log: quiet });
  client = new GatewayClient(gw.url, TOKEN);
});

afterEach(async () => {
  await gw.close();
  tmp.cleanup();
});

async function caught(p: Promise<unknown>): Promise<GatewayError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    return err as GatewayError;
  }
  throw new Error('expected a GatewayError');
}

function report(sweepId: string): SweepReport {
  return {
    status: {
      sweepId, name: 'quickstart-fashion-mnist', phase: 'running', batch: 1,
      trials: { planned: 2, running: 0, completed: 1, diverged: 1, failed: 0 }, flopsSpent: 2e9, budget: { trials: 12 },
    },
    newTrials: [
      { trialId: `${sweepId}-t0000`, config: { width: 16, data: 2000 }, reason: 'grid point 1 of 12' },
      { trialId: `${sweepId}-t0001`, config: { width: 32, data: 2000 }, reason: 'grid point 2 of 12' },
    ],
    finished: [
      { trialId: `${sweepId}-t0000`, status: 'completed', params: 12_730, data: 2000, flops: 1.5e9, final: { eval_loss: 0.61 }, resumedFromStep: 0, steps: 32, backend: 'wasm', wallSeconds: 3 },
      { trialId: `${sweepId}-t0001`, status: 'diverged', params: 25_450, data: 2000, flops: 0.5e9, final: { eval_loss: null }, resumedFromStep: 0, steps: 7, backend: 'wasm', wallSeconds: 1, reason: 'NaN loss at step 7' },
    ],
    fit: { summary: { law: 'chinchilla', params: { E: 0.3 }, converged: true, nPoints: 2, formula: 'L = 0.3 + ...' }, report: { points: 2 } },
  };
}

describe('REST', () => {
  it('creates a sweep from YAML, starts it and lists it', async () => {
    const created = await client.createSweep(quickstart);
    expect(created.name).toBe('quickstart-fashion-mnist');
    expect(created.id).toMatch(/^quickstart-fashion-mnist-[a-z0-9]+$/);
    expect(control.started.map((s) => s.id)).toEqual([created.id]);
    expect(control.started[0].spec.budget.trials).toBe(25);
    const list = await client.listSweeps();
    expect(list.map((s) => s.id)).toEqual([created.id]);
    expect(list[0]).toMatchObject({ status: 'planning', specYaml: quickstart, counts: { total: 0 } });
  });

  it('answers an invalid spec with 400, one issue per mistake, and stores nothing', async () => {
    const err = await caught(client.createSweep(threeMistakes));
    expect(err.status).toBe(400);
    expect(err.issues).toHaveLength(3);
    expect(err.message).toMatch(/invalid spec \(3 issues\)/);
    expect(await client.listSweeps()).toEqual([]);
    expect(control.started).toEqual([]);
  });

  it('requires the bearer token for writes but not for reads', async () => {
    const anon = new GatewayClient(gw.url);
    expect((await caught(anon.createSweep(quickstart))).status).toBe(401);
    expect((await caught(new GatewayClient(gw.url, 'nope').createSweep(quickstart))).status).toBe(403);
    expect(await anon.listSweeps()).toEqual([]);
  });

  it('marks the sweep failed with 502 when the orchestrator cannot start it', async () => {
    control.failStart = true;
    const err = await caught(client.createSweep(quickstart));
    expect(err.status).toBe(502);
    expect(err.message).toMatch(/temporal unreachable/);
    const [row] = await client.listSweeps();
    expect(row).toMatchObject({ status: 'failed', stopReason: expect.stringMatching(/temporal unreachable/) });
  });

  it('forwards pause/resume/cancel and 404s unknown sweeps', async () => {
    const { id } = await client.createSweep(quickstart);
    await client.control(id, 'pause');
    await client.control(id, 'cancel');
    expect(control.signals).toEqual([[id, 'pause'], [id, 'cancel']]);
    const err = await caught(client.control('missing', 'resume'));
    expect(err.status).toBe(404);
    expect(err.message).toBe('sweep "missing" not found');
  });

  it('stores a report (trials, results, fit, status) and serves it back', async () => {
    const { id } = await client.createSweep(quickstart);
    await client.report(id, report(id));
    const trials = await client.trials(id);
    expect(trials.map((t) => [t.index, t.status, t.planReason])).toEqual([
      [0, 'completed', 'grid point 1 of 12'],
      [1, 'diverged', 'grid point 2 of 12'],
    ]);
    expect(trials[1]).toMatchObject({ reason: 'NaN loss at step 7', final: { eval_loss: null }, backend: 'wasm' });
    const fits = await client.fits(id);
    expect(fits).toHaveLength(1);
    expect(fits[0].summary.law).toBe('chinchilla');
    const detail = await client.getSweep(id);
    expect(detail.status.flopsSpent).toBe(2e9);
    expect(detail.fit?.id).toBe(fits[0].id);
    expect(detail.sweep.counts).toMatchObject({ completed: 1, diverged: 1, total: 2 });
    // a live status from the orchestrator wins over the stored one
    control.live.set(id, { ...report(id).status, phase: 'paused' });
    expect((await client.getSweep(id)).status.phase).toBe('paused');

    const csv = await client.exportSweep(id, 'csv');
    expect(csv.split('\n')[0]).toBe('trialId,index,status,config.width,config.data,params,data,flops,backend,reason,final.eval_loss');
    expect(csv.split('\n')[1]).toBe(`${id}-t0000,0,completed,16,2000,12730,2000,1500000000,wasm,,0.61`);
    const json = JSON.parse(await client.exportSweep(id, 'json'));
    expect(json).toHaveLength(2);
  });

  it('rejects a malformed report naming the field', async () => {
    const { id } = await client.createSweep(quickstart);
    const bad = report(id);
    (bad.finished![0] as { status: string }).status = 'exploded';
    const err = await caught(client.report(id, bad));
    expect(err.status).toBe(400);
    expect(err.message).toBe('finished[0].status: expected one of completed|diverged|failed|stopped, got "exploded"');
    expect(await client.trials(id)).toEqual([]);
  });

  it('serves stored metrics per sweep and per trial, with name and afterStep filters', async () => {
    const { id } = await client.createSweep(quickstart);
    await gw.store.appendFrame({
      sweepId: id, trialId: `${id}-t0000`, seq: 1,
      points: [
        { step: 0, name: 'train_loss', value: 2.3, wallTime: 1 },
        { step: 10, name: 'train_loss', value: Number.NaN, wallTime: 2 },
        { step: 10, name: 'eval_loss', value: 1.1, wallTime: 2 },
      ],
    });
    expect(await client.sweepMetrics(id, 'eval_loss')).toEqual([{ trialId: `${id}-t0000`, step: 10, name: 'eval_loss', value: 1.1, wallTime: 2 }]);
    const rows = await client.trialMetrics(`${id}-t0000`, { name: 'train_loss', afterStep: 0 });
    expect(rows).toEqual([{ seq: 1, step: 10, name: 'train_loss', value: null, wallTime: 2 }]);
    const err = await caught(fetch(`${gw.url}/api/trials/x/metrics?afterStep=abc`).then(async (r) => {
      throw new GatewayError(r.status, ((await r.json()) as { error: string }).error);
    }));
    expect(err.message).toBe('afterStep: expected an integer, got "abc"');
  });

  it('serves the console with an index.html fallback, never outside its directory', async () => {
    const index = await fetch(`${gw.url}/`);
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    expect(await index.text()).toMatch(/Scaling Lab/);
    expect(await (await fetch(`${gw.url}/sweeps/abc`)).text()).toMatch(/Scaling Lab/);
    const js = await fetch(`${gw.url}/assets/app.js`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${gw.url}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${gw.url}/..%2fsecret.txt`)).status).toBe(404);
    const badEscape = await fetch(`${gw.url}/sweeps/%E0%A4%A`);
    expect(badEscape.status).toBe(400);
    expect(((await badEscape.json()) as { error: string }).error).toBe('path: bad %-escape in "/sweeps/%E0%A4%A"');
    expect((await fetch(`${gw.url}/api/nope`)).status).toBe(404);
    expect((await fetch(`${gw.url}/api/sweeps`, { method: 'DELETE' })).status).toBe(405);
  });

  it('reports an unreachable gateway as GatewayError status 0', async () => {
    const url = gw.url;
    await gw.close();
    const err = await caught(new GatewayClient(url).listSweeps());
    expect(err.status).toBe(0);
    expect(err.message).toMatch(/cannot reach the gateway/);
    gw = await startGateway({ dbPath: tmp.dbPath, token: TOKEN, log: quiet });
  });
});
