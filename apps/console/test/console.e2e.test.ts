/**
 * End to end on real parts: the console bundle built by esbuild, served by the real gateway (SQLite
 * store in a temp dir), metric frames streamed as protobuf over the gateway's websocket as a trainer
 * would, and Debian's chromium driven by playwright-core watching the sweep detail page.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient } from '@slab/api';
import { startGateway } from '@slab/gateway';
import type { SweepReport, SweepStatus } from '@slab/orchestration';
import { decodeServerFrame, encodeClientFrame, type ClientFrame, type MetricPoint } from '@slab/proto';
import { openStore } from '@slab/store';
import { buildConsole } from '../src';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'console-e2e-token';
const SWEEP = 'e2e-sweep';
const WIDTHS = [16, 64, 256];
const trialId = (i: number) => `${SWEEP}-t${String(i).padStart(4, '0')}`;
const outputDir = join(import.meta.dirname, 'output');

/** A trainer's side of the websocket: hello, then sequenced frames, resolving on each trial's ack. */
class Trainer {
  private readonly acked = new Map<string, number>();
  private readonly waiters: (() => void)[] = [];
  private readonly seq = new Map<string, number>();
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const frame = decodeServerFrame(new Uint8Array(data));
      if (frame.kind === 'ack') this.acked.set(frame.ack.trialId, frame.ack.seq);
      if (frame.kind === 'error') throw new Error(`gateway error: ${frame.error.message}`);
      this.waiters.splice(0).forEach((w) => w());
    });
  }

  static async connect(url: string): Promise<Trainer> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));
    const t = new Trainer(ws);
    t.send({ kind: 'hello', hello: { token: TOKEN, workerId: 'e2e-worker' } });
    return t;
  }

  private send(frame: ClientFrame): void {
    this.ws.send(encodeClientFrame(frame));
  }

  private async until(ok: () => boolean): Promise<void> {
    while (!ok()) await new Promise<void>((r) => this.waiters.push(r));
  }

  async open(trial: string): Promise<void> {
    this.send({ kind: 'open', open: { sweepId: SWEEP, trialId: trial } });
    await this.until(() => this.acked.has(trial));
    this.seq.set(trial, this.acked.get(trial)!);
  }

  async metrics(trial: string, points: MetricPoint[]): Promise<void> {
    const seq = this.seq.get(trial)! + 1;
    this.seq.set(trial, seq);
    this.send({ kind: 'metrics', metrics: { sweepId: SWEEP, trialId: trial, seq, points } });
    await this.until(() => (this.acked.get(trial) ?? 0) >= seq);
  }

  async event(trial: string, status: string, info: Record<string, unknown>): Promise<void> {
    const seq = this.seq.get(trial)! + 1;
    this.seq.set(trial, seq);
    this.send({ kind: 'event', event: { sweepId: SWEEP, trialId: trial, seq, status, infoJson: JSON.stringify(info), wallTime: Date.now() / 1000 } });
    await this.until(() => (this.acked.get(trial) ?? 0) >= seq);
  }

  close(): void {
    this.ws.close();
  }
}

/** A synthetic loss curve that falls with step and with width, like a real proxy run. */
function lossPoints(width: number, fromStep: number, toStep: number, every: number): MetricPoint[] {
  const pts: MetricPoint[] = [];
  for (let step = fromStep; step <= toStep; step += every) {
    const floor = 0.3 + 3 / Math.sqrt(width);
    pts.push({ step, name: 'train_loss', value: floor + 2 / Math.sqrt(step), wallTime: Date.now() / 1000 });
    if (step % (every * 4) === 0) pts.push({ step, name: 'eval_loss', value: floor * 1.05 + 2.2 / Math.sqrt(step), wallTime: Date.now() / 1000 });
  }
  return pts;
}

function status(phase: SweepStatus['phase'], completed: number, flopsSpent: number): SweepStatus {
  return {
    sweepId: SWEEP,
    name: 'console-e2e',
    phase,
    batch: 1,
    trials: { planned: WIDTHS.length, running: WIDTHS.length - completed, completed, diverged: 0, failed: 0 },
    flopsSpent,
    budget: { flops: 1e13, trials: 12 },
  };
}

const seriesPoints = (page: Page, id: string) =>
  page.locator(`path.series[data-series="${id}"]`).getAttribute('data-points').then((n) => Number(n ?? 0));

describe('console against a live gateway', () => {
  let dir: string;
  let browser: Browser;
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  let client: GatewayClient;
  let dbPath: string;
  let consoleDir: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: the console test drives Debian's chromium; run apt-get install chromium`);
    dir = mkdtempSync(join(tmpdir(), 'slab-console-'));
    consoleDir = await buildConsole(join(dir, 'console'));
    dbPath = join(dir, 'slab.db');
    // POST /api/sweeps starts a Temporal workflow; this test is about the console, so the sweep row is
    // written through the store (WAL: a second connection next to the gateway's is fine).
    const store = openStore(dbPath);
    store.createSweep({ id: SWEEP, name: 'console-e2e', specYaml: 'name: console-e2e\n' });
    store.close();
    gateway = await startGateway({ dbPath, token: TOKEN, consoleDir, host: '127.0.0.1', port: 0 });
    client = new GatewayClient(gateway.url, TOKEN);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows trials, grows live loss curves and renders the fit once reported', async () => {
    const report: SweepReport = {
      status: status('running', 0, 0),
      newTrials: WIDTHS.map((width, i) => ({ trialId: trialId(i), config: { width, data: 6000, learningRate: 0.01, seed: 1 }, reason: 'grid' })),
    };
    await client.report(SWEEP, report);

    let trainer = await Trainer.connect(gateway.wsUrl);
    for (const [i, width] of WIDTHS.entries()) {
      await trainer.open(trialId(i));
      await trainer.event(trialId(i), 'running', { backend: 'cpu' });
      await trainer.metrics(trialId(i), lossPoints(width, 10, 100, 10));
    }

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${gateway.url}/?token=${TOKEN}#/sweeps/${SWEEP}`);

    // The trial table lists every planned trial.
    const rows = page.locator('[data-testid="trial-table"] tbody tr');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(WIDTHS.length);
    for (const i of WIDTHS.keys()) await expect(page.locator(`tr[data-trial="${trialId(i)}"]`).textContent()).resolves.toContain('running');

    // History arrives by REST: one train curve per trial.
    const first = `${trialId(0)}:train_loss`;
    await page.locator(`path.series[data-series="${first}"]`).waitFor({ timeout: 15_000 });
    const before = await seriesPoints(page, first);
    expect(before).toBe(10);

    // More frames while the page is open reach it over the websocket: the curve grows, no reload.
    await trainer.metrics(trialId(0), lossPoints(WIDTHS[0], 110, 400, 10));
    await expect.poll(() => seriesPoints(page, first), { timeout: 15_000 }).toBe(before + 30);
    expect(await page.locator('#live-state').getAttribute('data-state')).toBe('live');
    for (const [i, width] of WIDTHS.entries()) if (i > 0) await trainer.metrics(trialId(i), lossPoints(width, 110, 400, 10));
    await expect.poll(() => page.locator('path.series').count(), { timeout: 15_000 }).toBe(2 * WIDTHS.length);

    // The gateway restarts on the same port: the page notices, reconnects, resubscribes and keeps
    // growing the curve from frames stored after the restart.
    const port = Number(new URL(gateway.url).port);
    trainer.close();
    await gateway.close();
    await expect.poll(() => page.locator('#live-state').getAttribute('data-state'), { timeout: 15_000 }).not.toBe('live');
    gateway = await startGateway({ dbPath, token: TOKEN, consoleDir, host: '127.0.0.1', port });
    client = new GatewayClient(gateway.url, TOKEN);
    trainer = await Trainer.connect(gateway.wsUrl);
    for (const i of WIDTHS.keys()) await trainer.open(trialId(i));
    await expect.poll(() => page.locator('#live-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('live');
    await trainer.metrics(trialId(0), lossPoints(WIDTHS[0], 410, 500, 10));
    await expect.poll(() => seriesPoints(page, first), { timeout: 15_000 }).toBe(before + 30 + 10);

    // No fit yet; finishing the trials and reporting a fit renders the fit panel with curve and band.
    await expect(page.locator('[data-testid="fit-formula"]').count()).resolves.toBe(0);
    // N = 800·width, so the synthetic runs follow L = 0.3 + 84.9/N^0.5 (plus a little noise).
    const params = { E: 0.3, A: 84.9, alpha: 0.5 };
    const samples = Array.from({ length: 20 }, (_, k) => ({ E: 0.28 + k * 0.002, A: 84.9 * (0.9 + k * 0.01), alpha: 0.5 }));
    const finals = WIDTHS.map((w, i) => 0.3 + 3 / Math.sqrt(w) + [0.01, -0.008, 0.004][i]);
    for (const i of WIDTHS.keys()) await trainer.event(trialId(i), 'completed', { backend: 'cpu' });
    await client.report(SWEEP, {
      status: { ...status('running', WIDTHS.length, 4.2e12) },
      finished: WIDTHS.map((w, i) => ({
        trialId: trialId(i),
        status: 'completed',
        params: w * 800,
        data: 6000,
        flops: 6 * w * 800 * 6000,
        final: { eval_loss: finals[i], train_loss: finals[i] - 0.02 },
        resumedFromStep: 0,
        steps: 400,
        backend: 'cpu',
        wallSeconds: 3,
      })),
      fit: {
        summary: { law: 'power-law-plus-constant', params, converged: true, nPoints: 3, formula: 'L = 0.3 + 84.9/N^0.5' },
        report: { law: 'power-law-plus-constant', params, bootstrap: { samples } },
      },
    });
    await expect.poll(() => page.locator('[data-testid="fit-formula"]').textContent(), { timeout: 15_000 }).toBe('L = 0.3 + 84.9/N^0.5');
    const nFig = page.locator('figure[data-axis="N"]');
    await expect.poll(() => nFig.locator('path.series[data-series^="fit:N"]').count(), { timeout: 15_000 }).toBe(1);
    expect(await nFig.locator('path.band').count()).toBe(1);
    expect(await nFig.locator('circle.marker').count()).toBe(WIDTHS.length);
    await expect.poll(() => page.locator(`tr[data-trial="${trialId(2)}"]`).textContent(), { timeout: 15_000 }).toContain('completed');
    expect(await page.locator('[data-testid="fit-history"] tbody tr').count()).toBe(1);

    mkdirSync(outputDir, { recursive: true });
    await page.locator(`path.series[data-series="${first}"]`).hover({ force: true });
    await page.screenshot({ path: join(outputDir, 'sweep-detail.png'), fullPage: true });

    // The list page links to the sweep with its counts.
    await page.goto(`${gateway.url}/#/`);
    const row = page.locator(`tr[data-sweep="${SWEEP}"]`);
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain('console-e2e');
    await page.screenshot({ path: join(outputDir, 'sweep-list.png') });
    expect(pageErrors).toEqual([]);
    trainer.close();
  }, 90_000);
});
