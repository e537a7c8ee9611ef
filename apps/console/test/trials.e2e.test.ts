/**
 * The trials table, the curves' x axes and smoothing, the per-trial page, the panels' downloads,
 * dark mode and unknown ids, on real parts: a real gateway (SQLite store) fed as the product feeds
 * it — the sweep report over REST, each trial's events and metric frames through the store's
 * ingest (as the gateway's websocket does, with chosen wall times so durations are known), a
 * checkpoint uploaded over REST — and the built console bundle in Debian's chromium. Asserts what
 * a user sees and what the downloaded files hold; saves screenshots at 1280 and 800 px.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient } from '@slab/api';
import { startGateway } from '@slab/gateway';
import type { SweepStatus } from '@slab/orchestration';
import { fitSweep } from '@slab/orchestration-node';
import type { MetricPoint } from '@slab/proto';
import { parseSpec, type TrialResult } from '@slab/spec';
import { openStore } from '@slab/store';
import { testStoreUrl } from '@slab/store/testing';
import { buildConsole } from '../src';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'console-trials-token';
const SWEEP = 'trials-lm';
/** A finished width × tokens grid with a fitted Chinchilla law and held-out runs, for the dark fit plots. */
const FITTED = 'trials-fitted';
const outputDir = join(import.meta.dirname, 'output');
const WIDTHS = [16, 32, 64, 128];
const DATA = [49152, 147456];
const CAP = 12;
/** Seconds each completed trial ran (t0..t4), so sorting by duration has a known answer. */
const DURATIONS = [30, 90, 45, 600, 12];
const id = (i: number) => `${SWEEP}-t${String(i).padStart(4, '0')}`;
const width = (i: number) => WIDTHS[Math.floor(i / 2)];
const data = (i: number) => DATA[i % 2];
const params = (i: number) => 24 * width(i) ** 2 + 512 * width(i);
const steps = (i: number) => data(i) / 512;

/** A falling loss curve with noise, every 16 steps up to `last`. */
function curve(i: number, last: number): MetricPoint[] {
  const pts: MetricPoint[] = [];
  for (let step = 16; step <= last; step += 16) {
    const loss = 1.6 + 30 / params(i) ** 0.35 + 3 / Math.sqrt(step) + 0.02 * Math.sin(step * 1.7 + i);
    pts.push({ step, name: 'train_loss', value: loss, wallTime: 0 });
    if (step % 64 === 0) pts.push({ step, name: 'eval_loss', value: loss * 1.04, wallTime: 0 });
  }
  return pts;
}

function result(i: number): TrialResult {
  const N = params(i);
  const D = data(i);
  return { trialId: id(i), status: 'completed', params: N, data: D, flops: 6 * N * D, final: { eval_loss: curve(i, steps(i)).at(-1)!.value * 1.04, train_loss: curve(i, steps(i)).at(-2)!.value }, resumedFromStep: 0, steps: steps(i), backend: 'cpu', wallSeconds: DURATIONS[i] - 1 };
}

function status(): SweepStatus {
  return { sweepId: SWEEP, name: 'trials-lm', phase: 'running', batch: 2, trials: { planned: 8, running: 1, completed: 5, diverged: 0, failed: 1 }, flopsSpent: 4e12, budget: { trials: CAP } };
}

const pageOverflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
const rowIds = (page: Page) => page.locator('[data-testid="trial-table"] tbody tr').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-trial')));

describe('trials, curves, the per-trial page, downloads and dark mode', () => {
  let dir: string;
  let browser: Browser;
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  const now = Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: the console test drives Debian's chromium; run apt-get install chromium`);
    dir = mkdtempSync(join(tmpdir(), 'slab-console-trials-'));
    const consoleDir = await buildConsole(join(dir, 'console'));
    const dbPath = await testStoreUrl(join(dir, 'slab.db'));
    const setup = await openStore(dbPath);
    await setup.createSweep({ id: SWEEP, name: 'trials-lm', specYaml: 'name: trials-lm\n' });
    await setup.close();
    gateway = await startGateway({ dbPath, token: TOKEN, consoleDir, host: '127.0.0.1', port: 0 });
    const client = new GatewayClient(gateway.url, TOKEN);
    // t0..t4 completed, t5 stopped (a cancelled run reports N, D and FLOPs of 0), t6 running on its
    // second attempt, t7 planned and not started.
    const stopped: TrialResult = { trialId: id(5), status: 'stopped', params: 0, data: 0, flops: 0, final: {}, resumedFromStep: 0, steps: 40, backend: 'cpu', wallSeconds: 20, reason: 'cancelled' };
    await client.report(SWEEP, {
      status: status(),
      newTrials: Array.from({ length: 8 }, (_, i) => ({ trialId: id(i), config: { width: width(i), data: data(i), learningRate: 0.003 }, reason: `grid point ${i + 1} of 8: width × data` })),
      finished: [...[0, 1, 2, 3, 4].map(result), stopped],
    });

    // Events and metric frames as the gateway's ingest stores them (seq shared per trial).
    const ingest = await openStore(dbPath);
    const event = (i: number, seq: number, s: string, wallTime: number, info: Record<string, unknown>, attempt = 1) =>
      ingest.appendEvent({ sweepId: SWEEP, trialId: id(i), seq, status: s, infoJson: JSON.stringify(info), wallTime, attempt });
    const frame = (i: number, seq: number, points: MetricPoint[], attempt = 1) => ingest.appendFrame({ sweepId: SWEEP, trialId: id(i), seq, points, attempt });
    for (const i of [0, 1, 2, 3, 4]) {
      const start = now - 3600 + i * 60;
      const r = result(i);
      await event(i, 1, 'running', start, { attempt: 1, backend: 'cpu', worker: 'node-a', resumedFromStep: 0 });
      await frame(i, 2, curve(i, steps(i)));
      await event(i, 3, 'completed', start + DURATIONS[i], { attempt: 1, backend: 'cpu', params: r.params, data: r.data, flops: r.flops, steps: r.steps, resumedFromStep: 0, final: r.final, wallSeconds: r.wallSeconds });
    }
    await event(5, 1, 'running', now - 1000, { attempt: 1, backend: 'cpu', worker: 'node-a' });
    await frame(5, 2, curve(5, 40));
    await event(5, 3, 'stopped', now - 980, { attempt: 1, reason: 'cancelled', steps: 40 });
    await event(6, 1, 'running', now - 300, { attempt: 1, backend: 'cpu', worker: 'node-a' });
    await frame(6, 2, curve(6, 64));
    // node-a died without a word (no event); Temporal retried the trial on node-b from its checkpoint.
    await event(6, 3, 'running', now - 100, { attempt: 2, backend: 'cpu', worker: 'node-b', resumedFromStep: 48 }, 2);
    await frame(6, 4, curve(6, 128).filter((p) => p.step > 64), 2);
    await ingest.close();
    // The running trial's checkpoint, uploaded as a worker does.
    const put = await fetch(`${gateway.url}/api/sweeps/${SWEEP}/trials/${id(6)}/checkpoint?step=96&attempt=2`, { method: 'PUT', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/octet-stream' }, body: new Uint8Array(3000).fill(7) });
    expect(put.status).toBe(201);

    // A fitted sweep: examples/quickstart.yaml's law (Chinchilla, held-out runs) on a 3 × 3 grid.
    const parsed = parseSpec(readFileSync(join(import.meta.dirname, '../../../examples/quickstart.yaml'), 'utf8'));
    if (!parsed.ok) throw new Error(`examples/quickstart.yaml: ${JSON.stringify(parsed.issues)}`);
    const spec = { ...parsed.spec, name: FITTED, law: { ...parsed.spec.law, bootstrap: 40 } };
    const grid = [2e4, 8e4, 3.2e5].flatMap((N, a) =>
      [4e3, 1.6e4, 6.4e4].map((D, b): TrialResult => ({ trialId: `${FITTED}-t${String(3 * a + b).padStart(4, '0')}`, status: 'completed', params: N, data: D, flops: 6 * N * D, final: { eval_loss: (0.4 + 40 / N ** 0.34 + 60 / D ** 0.28) * (1 + 0.01 * Math.sin(5 * a + b)) }, resumedFromStep: 0, steps: D / 32, backend: 'cpu', wallSeconds: 1 })),
    );
    const fitWriter = await openStore(dbPath);
    await fitWriter.createSweep({ id: FITTED, name: FITTED, specYaml: `name: ${FITTED}\n` });
    await fitWriter.close();
    await client.report(FITTED, {
      status: { sweepId: FITTED, name: FITTED, phase: 'completed', batch: 1, trials: { planned: 9, running: 0, completed: 9, diverged: 0, failed: 0 }, flopsSpent: grid.reduce((a, r) => a + r.flops, 0), budget: { trials: 9 } },
      newTrials: grid.map((r) => ({ trialId: r.trialId, config: { params: r.params, data: r.data }, reason: 'grid' })),
      finished: grid,
      fit: await fitSweep(spec, grid),
    });

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    mkdirSync(outputDir, { recursive: true });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh context (own localStorage) that accepts downloads, and a page that records errors. */
  async function open(hash: string, opts: { width?: number; colorScheme?: 'light' | 'dark' } = {}): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: opts.width ?? 1280, height: 900 }, acceptDownloads: true, colorScheme: opts.colorScheme ?? 'light' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${gateway.url}/${hash}`);
    return { context, page, errors };
  }

  async function download(page: Page, button: ReturnType<Page['locator']>): Promise<{ name: string; body: Buffer }> {
    const [d] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), button.click()]);
    const path = await d.path();
    return { name: d.suggestedFilename(), body: readFileSync(path!) };
  }

  it('sorts, filters and adds metric columns to the trial table, shows what is known of stopped and running trials, and downloads the visible rows as CSV', async () => {
    const { context, page, errors } = await open(`#/sweeps/${SWEEP}`);
    const rows = page.locator('[data-testid="trial-table"] tbody tr');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(8);
    await expect.poll(() => page.locator(`tr[data-trial="${id(6)}"] td[data-col="duration"]`).textContent(), { timeout: 15_000 }).not.toBe('—');

    // Stopped: D from the plan, N and FLOPs unknown rather than 0; running: its retry, its latest loss dimmed.
    const stoppedRow = page.locator(`tr[data-trial="${id(5)}"]`);
    const cells = async (trial: string) => page.locator(`tr[data-trial="${trial}"] td`).allTextContents();
    const head = await page.locator('[data-testid="trial-table"] thead th').allTextContents();
    const col = (name: string) => head.indexOf(name);
    const stopped = await cells(id(5));
    expect([stopped[col('Params N')], stopped[col('Data D')], stopped[col('FLOPs')]]).toEqual(['—', '147k', '—']);
    expect(await stoppedRow.textContent()).not.toMatch(/\b0 FLOP|N 0\b/);
    const running = await cells(id(6));
    expect(running[col('Status')]).toBe('retrying (attempt 2)');
    expect(running[col('Eval loss')]).toMatch(/^\d\.\d+$/);
    expect(await page.locator(`tr[data-trial="${id(6)}"] td[data-metric="eval_loss"] .dim`).getAttribute('title')).toBe('latest, still running');
    expect(Number(await page.locator(`tr[data-trial="${id(6)}"] td[data-col="duration"]`).getAttribute('data-value'))).toBeGreaterThanOrEqual(300);
    expect((await cells(id(7)))[col('Duration')]).toBe('—');
    expect((await cells(id(3)))[col('Duration')]).toBe('10 min 0 s');

    // Sort by duration: shortest first, the unknown last in either direction; a third click restores trial order.
    const durationHead = page.locator('[data-testid="trial-table"] th[data-sort="duration"]');
    await durationHead.click();
    const byDuration = [id(4), id(5), id(0), id(2), id(1), id(6), id(3), id(7)];
    await expect.poll(() => rowIds(page)).toEqual(byDuration);
    expect(await page.locator('[data-testid="trial-table"] th[data-sort="duration"]').getAttribute('aria-sort')).toBe('ascending');
    await page.locator('[data-testid="trial-table"] th[data-sort="duration"]').click();
    await expect.poll(() => rowIds(page)).toEqual([id(3), id(6), id(1), id(2), id(0), id(5), id(4), id(7)]);
    await page.locator('[data-testid="trial-table"] th[data-sort="params"]').click();
    // Params ascending; the stopped, the running and the unstarted trial have no measured N: last.
    const byParams = await rowIds(page);
    expect(byParams.slice(-3).sort()).toEqual([id(5), id(6), id(7)].sort());
    expect(byParams.slice(0, 5)).toEqual([id(0), id(1), id(2), id(3), id(4)]);
    // Headers sort from the keyboard too: FLOPs, cheapest first, the unreported last.
    await page.locator('[data-testid="trial-table"] th[data-sort="flops"]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => rowIds(page)).toEqual([id(0), id(2), id(1), id(3), id(4), id(5), id(6), id(7)]);

    // Filters: text over id, config and status; a status picker; the count says how many are shown.
    await page.locator('[data-testid="trial-filter"]').fill('width 64');
    await expect.poll(() => rowIds(page)).toEqual([id(4), id(5)]);
    expect(await page.locator('[data-testid="trial-shown"]').textContent()).toBe('2 of 8 trials');
    await page.locator('[data-testid="trial-filter"]').fill('');
    await page.locator('[data-testid="trial-status-filter"]').selectOption('running');
    await expect.poll(() => rowIds(page)).toEqual([id(6)]);
    await page.locator('[data-testid="trial-status-filter"]').selectOption('');
    await page.locator('[data-testid="trial-filter"]').fill('completed');
    await expect.poll(() => rows.count()).toBe(5);

    // An extra metric column, filled from final values (and the latest for the running trial).
    await page.locator('[data-testid="metric-columns"] summary').click();
    await page.locator('[data-testid="metric-columns"] input[value="train_loss"]').check();
    await expect.poll(() => page.locator('[data-testid="trial-table"] th[data-sort="m:train_loss"]').count()).toBe(1);
    await page.locator('[data-testid="metric-columns"] summary').click();
    expect(await page.locator(`tr[data-trial="${id(0)}"] td[data-metric="train_loss"]`).getAttribute('data-value')).toBe(String(result(0).final.train_loss));

    // The choices are in the address and survive a reload.
    const hash = new URL(page.url()).hash;
    expect(hash).toContain('sort=flops');
    expect(hash).toContain('q=completed');
    expect(hash).toContain('cols=train_loss');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(outputDir, 'trials-table.png'), fullPage: true });

    // CSV of what is shown: the 5 filtered rows, every visible column, exact numbers.
    const csv = await download(page, page.locator('[data-testid="trials"] button[data-download="csv"]'));
    expect(csv.name).toBe(`${SWEEP}-trials.csv`);
    const lines = csv.body.toString('utf8').trim().split(/\r\n/);
    expect(lines).toHaveLength(6);
    const header = lines[0].split(',');
    expect(header).toEqual(['#', 'Config', 'Status', 'Plan reason', 'Params N', 'Data D', 'FLOPs', 'Eval loss', 'train_loss', 'Duration', 'Backend']);
    const first = lines[1].split(',');
    expect(first[0]).toBe('0');
    expect(Number(first[header.indexOf('FLOPs')])).toBe(6 * params(0) * data(0));
    expect(Number(first[header.indexOf('Duration')])).toBe(DURATIONS[0]);
    expect(Number(first[header.indexOf('train_loss')])).toBe(result(0).final.train_loss);

    await page.reload();
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(5);
    expect(await page.locator('[data-testid="trial-filter"]').inputValue()).toBe('completed');
    expect(await page.locator('[data-testid="trial-table"] th[data-sort="m:train_loss"]').count()).toBe(1);

    // Narrow window: the table scrolls in its own box, the page does not.
    await page.setViewportSize({ width: 800, height: 900 });
    await expect.poll(() => pageOverflow(page)).toBe(0);
    await page.screenshot({ path: join(outputDir, 'trials-table-800px.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  it('draws curves against data seen or FLOPs, smooths them, and keeps both choices in the address', async () => {
    const { context, page, errors } = await open(`#/sweeps/${SWEEP}`);
    const trainLines = page.locator('[data-testid="curves"] path.series[data-series$=":train_loss"]');
    await expect.poll(() => trainLines.count(), { timeout: 15_000 }).toBe(7);

    // The progress bar of a trial-capped sweep counts trials done; "created" counts every trial so far.
    const bar = page.locator('[data-testid="progress"]');
    expect(await bar.getAttribute('data-by')).toBe('trials');
    expect(Number(await bar.getAttribute('aria-valuenow'))).toBeCloseTo((6 / CAP) * 100, 5);
    expect(await page.locator('[data-testid="trials-done"]').textContent()).toBe(`6 of ${CAP} trials done`);
    expect(await page.locator('.stat[title^="trials created"] .stat-value').textContent()).toBe('8');

    // Against FLOPs: only trials that reported their steps can be placed (t0..t4); the rest are named as left out.
    await page.locator('[data-testid="curve-x"]').selectOption('flops');
    await expect.poll(() => trainLines.count()).toBe(5);
    expect(await page.locator('[data-testid="curves-unscaled"]').textContent()).toMatch(/^2 trials are not drawn against training FLOPs/);
    expect(await page.locator('[data-testid="curves"] .axis-label').first().textContent()).toBe('training FLOPs (log)');
    // A finished trial's last point sits at its total FLOPs (6·N·D, at most 3.9·10¹⁰ here), its
    // first at 16 steps' worth (7·10⁸ for the smallest): the axis spans those decades and no more.
    const ticks = await page.locator('[data-testid="curves"] .tick-label[text-anchor="middle"]').allTextContents();
    expect(ticks).toContain('10¹⁰');
    expect(ticks).not.toContain('10¹¹');
    expect(ticks).not.toContain('10⁸');

    await page.locator('[data-testid="curve-x"]').selectOption('data');
    await expect.poll(() => page.locator('[data-testid="curves"] .axis-label').first().textContent()).toBe('data seen (log)');

    // Smoothing: a smoothed curve over a faint raw one per line; the raw one is the data itself.
    // A range input is moved, not typed into: set it and send the input event a drag sends.
    await page.locator('[data-testid="curve-smooth"]').evaluate((el: HTMLInputElement) => {
      el.value = '0.8';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await expect.poll(() => page.locator('[data-testid="curves"] path.series.raw').count()).toBe(10);
    expect(await page.locator('#curve-smooth-value').textContent()).toBe('0.80');
    const raw = await page.locator(`[data-testid="curves"] path.series.raw[data-series="${id(0)}:train_loss:raw"]`).getAttribute('d');
    const smooth = await page.locator(`[data-testid="curves"] path.series[data-series="${id(0)}:train_loss"]`).getAttribute('d');
    expect(raw).not.toBe(smooth);
    expect(raw!.split('L').length).toBe(smooth!.split('L').length);

    const hash = new URL(page.url()).hash;
    expect(hash).toContain('x=data');
    expect(hash).toContain('smooth=0.8');
    await page.reload();
    await expect.poll(() => page.locator('[data-testid="curves"] path.series.raw').count(), { timeout: 15_000 }).toBe(10);
    expect(await page.locator('[data-testid="curve-x"]').inputValue()).toBe('data');
    const box = (await page.locator('#curves').boundingBox())!;
    await page.screenshot({ path: join(outputDir, 'curves-data-smoothed.png'), fullPage: true, clip: box });

    // The plot downloads as SVG (standalone: styles inlined, no hover layer) and as PNG (2× its size).
    const svg = await download(page, page.locator('[data-testid="curves"] .chart button[data-download="svg"]'));
    expect(svg.name).toBe(`${SWEEP}-curves-loss-vs-data.svg`);
    const text = svg.body.toString('utf8');
    expect(text.startsWith('<?xml')).toBe(true);
    expect(text).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(text).not.toContain('class="hover"');
    expect((text.match(/<path class="series/g) ?? []).length).toBe(20);
    expect(text).toMatch(/class="tick-label"[^>]*style="[^"]*fill: rgb\(93, 102, 115\)/);
    const png = await download(page, page.locator('[data-testid="curves"] .chart button[data-download="png"]'));
    expect(png.name).toBe(`${SWEEP}-curves-loss-vs-data.png`);
    expect(png.body.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect([png.body.readUInt32BE(16), png.body.readUInt32BE(20)]).toEqual([2200, 800]);
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  it('gives each trial a page: status, plan reason, config, every metric, attempts and events, checkpoint and where the logs are', async () => {
    const { context, page, errors } = await open(`#/sweeps/${SWEEP}`);
    await page.locator(`tr[data-trial="${id(6)}"] a.trial-link`).click();
    await page.locator('[data-testid="trial-events"]').waitFor({ timeout: 15_000 });
    expect(new URL(page.url()).hash).toBe(`#/sweeps/${SWEEP}/trials/${id(6)}`);
    expect(await page.locator('[data-testid="trial-status"]').textContent()).toBe('retrying (attempt 2)');
    expect(await page.locator('[data-testid="trial-plan-reason"]').textContent()).toBe('Why the planner chose it: grid point 7 of 8: width × data');
    expect(await page.locator('[data-testid="trial-config"] tbody tr').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-key')))).toEqual(['width', 'data', 'learningRate']);
    // Attempts and events: the first attempt on node-a, the retry on node-b resuming from its checkpoint.
    const events = page.locator('[data-testid="trial-events"] tbody tr');
    expect(await events.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-event')))).toEqual(['running', 'running']);
    expect(await events.nth(0).textContent()).toContain('worker node-a');
    expect(await events.nth(1).textContent()).toContain('worker node-b');
    expect(await events.nth(1).textContent()).toContain('resumed from step 48');
    expect(await page.locator('[data-testid="trial-summary"] tr[data-field="attempts"] td').nth(1).textContent()).toBe('2');
    expect(await page.locator('[data-testid="trial-summary"] tr[data-field="worker"] td').nth(1).textContent()).toBe('node-b');
    // The checkpoint the gateway holds, and where logs live.
    expect(await page.locator('[data-testid="trial-checkpoint"]').textContent()).toMatch(/holds the checkpoint at step 96 \(attempt 2, 2\.9 KiB\)/);
    expect(await page.locator('[data-testid="trial-logs"]').textContent()).toContain(id(6));
    // A curve for each metric it streamed (the loss view first), with this trial's points only.
    expect(await page.locator('[data-testid="trial-curves"] figure').evaluateAll((fs) => fs.map((f) => f.getAttribute('data-metric')))).toEqual(['loss', 'eval_loss', 'train_loss']);
    expect(Number(await page.locator(`figure[data-metric="train_loss"] path.series[data-series="${id(6)}:train_loss"]`).getAttribute('data-points'))).toBe(8);
    await page.screenshot({ path: join(outputDir, 'trial-page-running.png'), fullPage: true });

    // A finished trial: steps, FLOPs and final metrics; no checkpoint held any more, and it says why.
    await page.goto(`${gateway.url}/#/sweeps/${SWEEP}/trials/${id(3)}`);
    await page.locator('[data-testid="trial-summary"]').waitFor({ timeout: 15_000 });
    const field = (f: string) => page.locator(`[data-testid="trial-summary"] tr[data-field="${f}"] td`).nth(1);
    expect(await field('steps').getAttribute('data-value')).toBe(String(steps(3)));
    expect(await field('FLOPs').getAttribute('data-value')).toBe(String(6 * params(3) * data(3)));
    expect(await field('duration').textContent()).toBe('10 min 0 s');
    expect(await field('final eval_loss').getAttribute('data-value')).toBe(String(result(3).final.eval_loss));
    expect(await page.locator('[data-testid="trial-checkpoint"]').textContent()).toMatch(/^None held: the gateway drops a trial’s checkpoint once the trial has finished/);
    // The config table downloads as CSV.
    const csv = await download(page, page.locator('[data-download-name$="-config"] button[data-download="csv"]'));
    expect(csv.body.toString('utf8').trim().split(/\r\n/)).toEqual(['key,value', 'width,32', `data,${data(3)}`, 'learningRate,0.003']);
    await page.setViewportSize({ width: 800, height: 900 });
    await expect.poll(() => pageOverflow(page)).toBe(0);
    await page.screenshot({ path: join(outputDir, 'trial-page-800px.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  it('answers an unknown sweep or trial at once instead of loading forever', async () => {
    const { context, page, errors } = await open('#/sweeps/no-such-sweep');
    await expect.poll(() => page.locator('[data-testid="no-sweep"] h1').textContent().catch(() => null), { timeout: 15_000 }).toBe('no sweep no-such-sweep');
    await page.goto(`${gateway.url}/#/sweeps/${SWEEP}/trials/not-a-trial`);
    await expect.poll(() => page.locator('[data-testid="not-found"] h1').textContent().catch(() => null), { timeout: 15_000 }).toBe(`no trial not-a-trial in sweep ${SWEEP}`);
    await page.goto(`${gateway.url}/#/sweeps/no-such-sweep/trials/${id(0)}`);
    await expect.poll(() => page.locator('[data-testid="not-found"] h1').textContent().catch(() => null), { timeout: 15_000 }).toBe('no sweep no-such-sweep');
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('follows a dark system theme with readable plots, and the toggle overrides it', async () => {
    const { context, page, errors } = await open(`#/sweeps/${SWEEP}`, { colorScheme: 'dark' });
    const line = page.locator(`[data-testid="curves"] path.series[data-series="${id(0)}:train_loss"]`);
    await line.waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    const look = () =>
      page.evaluate((sel) => {
        const css = (q: string, p: string) => getComputedStyle(document.querySelector(q)!).getPropertyValue(p);
        return { page: css('html', 'background-color'), card: css('.card', 'background-color'), ink: css('h1', 'color'), tick: css('[data-testid="curves"] .tick-label', 'fill'), line: css(sel, 'stroke') };
      }, `[data-testid="curves"] path.series[data-series="${id(0)}:train_loss"]`);
    const dark = await look();
    expect(dark).toMatchObject({ page: 'rgb(15, 20, 25)', card: 'rgb(23, 28, 35)', ink: 'rgb(227, 231, 237)', tick: 'rgb(163, 172, 185)' });
    // Trial colours are lifted for the dark background: the line is lighter than the card by far.
    const lightness = (rgb: string) => {
      const [r, g, b] = rgb.match(/\d+/g)!.map(Number);
      return (Math.max(r, g, b) + Math.min(r, g, b)) / 2 / 255;
    };
    expect(lightness(dark.line)).toBeGreaterThan(0.5);
    await page.screenshot({ path: join(outputDir, 'dark-sweep.png'), fullPage: true });

    // The toggle: system → dark → light; the choice is kept for the next visit.
    const toggle = page.locator('[data-testid="theme-toggle"]');
    expect(await toggle.textContent()).toBe('theme: system');
    await toggle.click();
    expect(await toggle.textContent()).toBe('theme: dark');
    await toggle.click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await line.waitFor();
    const light = await look();
    expect(light).toMatchObject({ page: 'rgb(246, 247, 249)', card: 'rgb(255, 255, 255)', tick: 'rgb(93, 102, 115)' });
    expect(lightness(light.line)).toBeLessThan(lightness(dark.line));
    await page.reload();
    await line.waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await page.locator('[data-testid="theme-toggle"]').click(); // back to following the system
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');

    // A dark plot downloads dark: its background is the card's.
    const svg = await download(page, page.locator('[data-testid="curves"] .chart button[data-download="svg"]'));
    expect(svg.body.toString('utf8')).toMatch(/<rect width="100%" height="100%" fill="rgb\(23, 28, 35\)"/);
    await page.goto(`${gateway.url}/#/sweeps/${SWEEP}/trials/${id(6)}`);
    await page.locator('[data-testid="trial-events"]').waitFor({ timeout: 15_000 });
    await page.setViewportSize({ width: 800, height: 900 });
    await expect.poll(() => pageOverflow(page)).toBe(0);
    await page.screenshot({ path: join(outputDir, 'dark-trial-800px.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  it('draws a fitted law readably on both themes: lifted colours, hollow markers the card colour', async () => {
    const colours = async (scheme: 'light' | 'dark') => {
      const { context, page, errors } = await open(`#/sweeps/${FITTED}`, { colorScheme: scheme });
      const fig = page.locator('figure[data-axis="N"]').first();
      // The live snapshot can draw the law before the trials arrive by REST: wait for the runs too.
      await fig.locator('path.band').first().waitFor({ timeout: 15_000 });
      await fig.locator('.marker.hollow').first().waitFor({ timeout: 15_000 });
      // Read once the panel has settled: a live redraw can replace the figure while it is read.
      const read = () =>
        fig.evaluate((f) => {
          const css = (el: Element | null, p: string) => (el ? getComputedStyle(el).getPropertyValue(p) : '');
          return {
            card: css(f.closest('.card'), 'background-color'),
            band: css(f.querySelector('path.band'), 'fill'),
            curve: css(f.querySelector('path.series'), 'stroke'),
            hollow: css(f.querySelector('.marker.hollow'), 'fill'),
            tick: css(f.querySelector('.tick-label'), 'fill'),
          };
        });
      let got = await read();
      await expect
        .poll(async () => {
          got = await read();
          return Object.values(got).every((v) => /^rgb\(/.test(v));
        }, { timeout: 15_000 })
        .toBe(true);
      await page.screenshot({ path: join(outputDir, `fit-${scheme}.png`), fullPage: true });
      expect(errors).toEqual([]);
      await context.close();
      return got;
    };
    const lightness = (rgb: string) => {
      const [r, g, b] = rgb.match(/\d+/g)!.map(Number);
      return (Math.max(r, g, b) + Math.min(r, g, b)) / 2 / 255;
    };
    const light = await colours('light');
    const dark = await colours('dark');
    // Held-out runs are hollow: filled with the card, so they read as hollow on either background.
    expect(light.hollow).toBe(light.card);
    expect(dark.hollow).toBe(dark.card);
    expect(dark.card).toBe('rgb(23, 28, 35)');
    // The law and its band keep their hue and are lifted well above the dark card.
    expect(lightness(dark.curve)).toBeGreaterThan(lightness(light.curve));
    expect(lightness(dark.curve) - lightness(dark.card)).toBeGreaterThan(0.35);
    expect(lightness(dark.band)).toBeGreaterThan(lightness(light.band));
    expect(lightness(dark.tick)).toBeGreaterThan(0.55);
  }, 90_000);
});
