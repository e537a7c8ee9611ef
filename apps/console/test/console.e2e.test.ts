/**
 * End to end on real parts: the console bundle built by esbuild, served by the real gateway (SQLite
 * store in a temp dir), metric frames streamed as protobuf over the gateway's websocket as a trainer
 * would, and Debian's chromium driven by playwright-core watching the sweep detail page.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient } from '@slab/api';
import { startGateway } from '@slab/gateway';
import type { SweepReport, SweepStatus } from '@slab/orchestration';
import type { MetricPoint } from '@slab/proto';
import { openStore } from '@slab/store';
import { testStoreUrl } from '@slab/store/testing';
import { buildConsole } from '../src';
import { Trainer } from './trainer';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'console-e2e-token';
const SWEEP = 'e2e-sweep';
const WIDTHS = [16, 64, 256];
const CURATION = 'e2e-curation';
const CHINCHILLA = 'e2e-chinchilla';
const trialId = (i: number, sweep = SWEEP) => `${sweep}-t${String(i).padStart(4, '0')}`;
const outputDir = join(import.meta.dirname, 'output');

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

function status(phase: SweepStatus['phase'], completed: number, flopsSpent: number, planned = WIDTHS.length): SweepStatus {
  return {
    sweepId: SWEEP,
    name: 'console-e2e',
    phase,
    batch: 1,
    trials: { planned, running: planned - completed, completed, diverged: 0, failed: 0 },
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
    dbPath = await testStoreUrl(join(dir, 'slab.db'));
    // POST /api/sweeps starts a Temporal workflow; this test is about the console, so the sweep row is
    // written through the store (WAL: a second connection next to the gateway's is fine).
    const store = await openStore(dbPath);
    await store.createSweep({ id: SWEEP, name: 'console-e2e', specYaml: 'name: console-e2e\n' });
    await store.createSweep({ id: CURATION, name: 'curation-e2e', specYaml: 'name: curation-e2e\n' });
    await store.createSweep({ id: CHINCHILLA, name: 'chinchilla-e2e', specYaml: 'name: chinchilla-e2e\n' });
    await store.close();
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

    let trainer = await Trainer.connect(gateway.wsUrl, SWEEP, TOKEN);
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
    trainer = await Trainer.connect(gateway.wsUrl, SWEEP, TOKEN);
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
        summary: { law: 'power-law-plus-constant', params, converged: true, nPoints: 3, formula: 'L = 0.3 + 84.9/N^0.5', diagnostics: ['only one start reached the best objective: the optimum may be fragile'] },
        report: { law: 'power-law-plus-constant', params, bootstrap: { samples } },
      },
    });
    await expect.poll(() => page.locator('[data-testid="fit-formula"]').textContent(), { timeout: 15_000 }).toBe('L = 0.3 + 84.9/N^0.5');
    expect(await page.locator('[data-testid="fit-diagnostic"]').allTextContents()).toEqual(['only one start reached the best objective: the optimum may be fragile']);
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

  it('shows a grouped curation fit: curves by strategy, one law per group, the best group named', async () => {
    // 2 strategies × 2 kept fractions × 3 data sizes; width 64 (N = 55k) everywhere, so the
    // one-variable law y = E + A·x^-alpha is about D.
    const strategies = ['random', 'el2n-keep-hard'];
    const keeps = [0.25, 0.5];
    const datas = [1000, 2000, 4000];
    const N = 55_000;
    const C = 1e10;
    const xAtC = C / (6 * N);
    const laws: Record<string, { E: number; A: number; alpha: number }> = {
      'random 0.25': { E: 0.4, A: 30, alpha: 0.5 },
      'random 0.5': { E: 0.38, A: 30, alpha: 0.5 },
      'el2n-keep-hard 0.25': { E: 0.36, A: 40, alpha: 0.55 },
      'el2n-keep-hard 0.5': { E: 0.33, A: 45, alpha: 0.55 },
    };
    const law = (p: { E: number; A: number; alpha: number }, x: number) => p.E + p.A * x ** -p.alpha;
    const trials = strategies.flatMap((strategy) => keeps.flatMap((keep) => datas.map((data) => ({ strategy, keep, data }))));
    const id = (i: number) => trialId(i, CURATION);
    await client.report(CURATION, {
      status: { ...status('running', 0, 0, 12), sweepId: CURATION, name: 'curation-e2e' },
      newTrials: trials.map((t, i) => ({
        trialId: id(i),
        config: { width: 64, data: t.data, 'curation.strategy': t.strategy, 'curation.keep': t.keep, seed: 1 },
        reason: 'grid',
      })),
    });
    const trainer = await Trainer.connect(gateway.wsUrl, CURATION, TOKEN);
    for (const i of trials.keys()) {
      await trainer.open(id(i));
      await trainer.metrics(id(i), lossPoints(16 + i * 8, 10, 100, 10));
      await trainer.event(id(i), 'completed', { backend: 'cpu' });
    }
    const groupKey = (strategy: string, keep: number) => `curation.strategy=${strategy} curation.keep=${keep}`;
    const groups = strategies.flatMap((strategy) =>
      keeps.map((keep) => {
        const params = laws[`${strategy} ${keep}`];
        const samples = Array.from({ length: 20 }, (_, k) => ({ ...params, E: params.E * (0.97 + k * 0.003) }));
        const preds = samples.map((p) => law(p, xAtC)).sort((a, b) => a - b);
        const summary = {
          law: 'power-law-plus-constant',
          params,
          converged: true,
          nPoints: datas.length,
          formula: `y = ${params.E} + ${params.A} * x^-${params.alpha}`,
          target: { value: law(params, xAtC), lo: preds[1], hi: preds[18], label: `eval_loss at C=1.00e+10 (x=${xAtC.toExponential(2)})` },
        };
        return { key: groupKey(strategy, keep), values: { 'curation.strategy': strategy, 'curation.keep': keep }, summary, report: { law: summary.law, params, bootstrap: { samples } } };
      }),
    );
    const best = groups.reduce((a, b) => (b.summary.target.value < a.summary.target.value ? b : a));
    expect(best.key).toBe(groupKey('el2n-keep-hard', 0.5));
    await client.report(CURATION, {
      status: { ...status('running', trials.length, 3.1e12, trials.length), sweepId: CURATION, name: 'curation-e2e', scoringFlops: 0.9e12 },
      finished: trials.map((t, i) => {
        const loss = law(laws[`${t.strategy} ${t.keep}`], t.data) * (1 + [0.01, -0.01, 0.004][i % 3]);
        return { trialId: id(i), status: 'completed' as const, params: N, data: t.data, flops: 6 * N * t.data, final: { eval_loss: loss }, resumedFromStep: 0, steps: 100, backend: 'cpu', wallSeconds: 1 };
      }),
      fit: {
        summary: { ...best.summary, group: best.key, groups: groups.map((g) => ({ key: g.key, values: g.values, summary: g.summary })) },
        report: { ...best.report, group: best.key, groups: groups.map((g) => ({ key: g.key, values: g.values, report: g.report })) },
      },
    });
    trainer.close();

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${gateway.url}/#/sweeps/${CURATION}`);

    // Loss curves are coloured by strategy: one legend entry per strategy, one colour per strategy.
    await expect.poll(() => page.locator('path.series[data-series$=":train_loss"]').count(), { timeout: 15_000 }).toBe(trials.length);
    expect(await page.locator('#curves-note').textContent()).toBe('colour by curation.strategy; click a legend entry to isolate it');
    expect(await page.locator('[data-testid="curves"] .legend-item[data-category]').allTextContents()).toEqual(['el2n-keep-hard', 'random']);
    const strokes = await Promise.all(trials.map((_, i) => page.locator(`path.series[data-series="${id(i)}:train_loss"]`).getAttribute('stroke')));
    const byStrategy = (s: string) => new Set(strokes.filter((_, i) => trials[i].strategy === s));
    expect(byStrategy('random').size).toBe(1);
    expect(byStrategy('el2n-keep-hard').size).toBe(1);
    expect([...byStrategy('random')][0]).not.toBe([...byStrategy('el2n-keep-hard')][0]);

    // The budget legend splits training from data-scoring FLOPs.
    await expect.poll(() => page.locator('[data-testid="flops-split"]').textContent(), { timeout: 15_000 }).toContain('data scoring 900 GFLOP');
    expect(await page.locator('[data-testid="flops-split"]').textContent()).toContain('training 2.20 TFLOP');

    // One fit per group: the table, the best group highlighted and named, a curve and band per group on D.
    const rows = page.locator('[data-testid="fit-groups"] tbody tr');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(groups.length);
    expect(await page.locator('[data-testid="fit-groups"] tr[data-best="true"]').getAttribute('data-group')).toBe(best.key);
    expect(await page.locator('[data-testid="fit-answer"]').textContent()).toContain('Best at C=1.00e+10: curation.strategy=el2n-keep-hard, curation.keep=0.5');
    expect(await page.locator('[data-testid="fit-formula"]').textContent()).toBe(best.summary.formula);
    const dFig = page.locator('figure[data-axis="D"]');
    expect(await page.locator('figure[data-axis="N"]').count()).toBe(0);
    expect(await dFig.locator('path.series[data-series^="group:"]').count()).toBe(groups.length);
    expect(await dFig.locator('path.band').count()).toBe(groups.length);
    expect(await dFig.locator('circle.marker').count()).toBe(trials.length);
    const bestCurve = dFig.locator(`path.series[data-series="group:${best.key}:D:0"]`);
    expect(Number(await bestCurve.getAttribute('stroke-width'))).toBeGreaterThan(2);
    // Group hues follow the strategy colours of the loss curves.
    const hue = (c: string | null) => /hsl\((\d+)/.exec(c ?? '')?.[1];
    expect(hue(await bestCurve.getAttribute('stroke'))).toBe(hue([...byStrategy('el2n-keep-hard')][0]));
    // Predictions at the target, lowest first, best highlighted.
    const intervals = page.locator('[data-testid="group-targets"] g.interval');
    expect(await intervals.count()).toBe(groups.length);
    expect(await intervals.first().getAttribute('data-group')).toBe(best.key);
    expect(await page.locator('[data-testid="group-targets"] g.interval.best').count()).toBe(1);

    // Every table offers its rows as CSV, this one through the button the console adds to any table.
    const groupsCsv = page.locator('.table-download:has([data-testid="fit-groups"]) > .downloads button[data-download="csv"]');
    const [csvDownload] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), groupsCsv.click()]);
    const csv = readFileSync((await csvDownload.path())!, 'utf8').trim().split('\r\n');
    expect(csvDownload.suggestedFilename()).toMatch(/-fit-groups\.csv$/);
    expect(csv[0]).toMatch(/^Group,Points,Law,"?Target/);
    expect(csv).toHaveLength(groups.length + 1);
    expect(csv[1]).toMatch(/^"curation\.strategy=el2n-keep-hard, curation\.keep=0\.5/);

    mkdirSync(outputDir, { recursive: true });
    await page.screenshot({ path: join(outputDir, 'curation-detail.png'), fullPage: true });
    // Clip from the full page: an element screenshot scrolls the card under the sticky top bar.
    const box = (await page.locator('#fit-card').boundingBox())!;
    await page.screenshot({ path: join(outputDir, 'curation-fit.png'), fullPage: true, clip: box });
    // The grouped chart carries its own legend, best group first.
    expect(await dFig.locator('.legend-item[data-group]').first().getAttribute('data-group')).toBe(best.key);
    expect(await rows.first().getAttribute('data-group')).toBe(best.key);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 60_000);

  it('draws the compute-optimal frontier of a Chinchilla fit with its exponent', async () => {
    const params = { E: 1.82, A: 482, alpha: 0.35, B: 2085, beta: 0.37 };
    const samples = Array.from({ length: 30 }, (_, k) => ({ ...params, alpha: 0.33 + k * 0.0014, beta: 0.36 + k * 0.0007 }));
    const grid = [1e8, 4e8, 1.6e9].flatMap((n) => [2e9, 8e9, 3.2e10].map((d) => ({ n, d })));
    const loss = (n: number, d: number) => params.E + params.A / n ** params.alpha + params.B / d ** params.beta;
    await client.report(CHINCHILLA, {
      status: { ...status('running', grid.length, 1e21, grid.length), sweepId: CHINCHILLA, name: 'chinchilla-e2e' },
      newTrials: grid.map((g, i) => ({ trialId: trialId(i, CHINCHILLA), config: { params: g.n, data: g.d }, reason: 'grid' })),
      finished: grid.map((g, i) => ({
        trialId: trialId(i, CHINCHILLA),
        status: 'completed',
        params: g.n,
        data: g.d,
        flops: 6 * g.n * g.d,
        final: { eval_loss: loss(g.n, g.d) },
        resumedFromStep: 0,
        steps: 10,
        backend: 'replay',
        wallSeconds: 0,
      })),
      fit: {
        summary: { law: 'chinchilla', params, converged: true, nPoints: grid.length, formula: 'L = 1.82 + 482/N^0.35 + 2085/D^0.37' },
        report: { law: 'chinchilla', params, bootstrap: { samples } },
      },
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${gateway.url}/#/sweeps/${CHINCHILLA}`);
    const frontier = page.locator('[data-testid="frontier"]');
    await frontier.waitFor({ timeout: 15_000 });
    expect(await frontier.locator('path.series[data-series="frontier:N"]').count()).toBe(1);
    expect(await frontier.locator('path.series[data-series="frontier:D"]').count()).toBe(1);
    expect(await frontier.locator('path.band').count()).toBe(2);
    expect(await frontier.locator('circle.marker').count()).toBe(grid.length);
    const a = params.beta / (params.alpha + params.beta);
    const text = await page.locator('[data-testid="frontier-a"]').textContent();
    expect(text).toMatch(new RegExp(`^${a.toFixed(3)} \\[0\\.\\d{3}, 0\\.\\d{3}\\]$`));
    const [lo, hi] = /\[(.*), (.*)\]/.exec(text!)!.slice(1).map(Number);
    expect(lo).toBeLessThan(a);
    expect(hi).toBeGreaterThan(a);
    // The N* curve rises with compute with slope a on log-log axes: compare its two ends in pixels
    // against the D* curve, whose slope is 1 - a (> a here, so it is steeper).
    const slope = async (s: string) => {
      const d = (await frontier.locator(`path.series[data-series="${s}"]`).getAttribute('d'))!;
      const pts = [...d.matchAll(/[ML]([\d.]+),([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
      const [p0, p1] = [pts[0], pts[pts.length - 1]];
      return (p0[1] - p1[1]) / (p1[0] - p0[0]);
    };
    const [sN, sD] = [await slope('frontier:N'), await slope('frontier:D')];
    expect(sN).toBeGreaterThan(0);
    expect(sD / sN).toBeCloseTo((1 - a) / a, 1);
    // Clip from the full page: the live view may redraw the card while an element screenshot waits for it.
    const frontierBox = (await frontier.boundingBox())!;
    await page.screenshot({ path: join(outputDir, 'chinchilla-frontier.png'), fullPage: true, clip: frontierBox });
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 60_000);
});
