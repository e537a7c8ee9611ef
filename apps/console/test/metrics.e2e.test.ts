/**
 * The curves card draws any metric a trial streams, on real parts: GPT-like metric frames (losses
 * per eval set, lr, grad_norm, attention-logit statistics per layer) sent as protobuf over the real
 * gateway's websocket into SQLite, drawn by the built console bundle in Debian's chromium. Picks
 * `attn_logit_max`, checks what is drawn, that the choice survives live frames and a reload, and
 * that the linear toggle changes the axis.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient } from '@slab/api';
import { startGateway } from '@slab/gateway';
import type { MetricPoint } from '@slab/proto';
import { openStore } from '@slab/store';
import { testStoreUrl } from '@slab/store/testing';
import { buildConsole } from '../src';
import { Trainer } from './trainer';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'console-metrics-token';
const SWEEP = 'gpt-metrics';
const WIDTHS = [32, 64, 128];
const LAYERS = 2;
const outputDir = join(import.meta.dirname, 'output');
const trialId = (i: number) => `${SWEEP}-t${String(i).padStart(4, '0')}`;

/** What a GPT trial streams each eval step: losses fall with step and width, logits grow. */
function gptPoints(width: number, fromStep: number, toStep: number): MetricPoint[] {
  const pts: MetricPoint[] = [];
  const at = (step: number, name: string, value: number) => pts.push({ step, name, value, wallTime: Date.now() / 1000 });
  for (let step = fromStep; step <= toStep; step += 10) {
    const floor = 1.5 + 8 / Math.sqrt(width);
    at(step, 'train_loss', floor + 3 / Math.sqrt(step));
    at(step, 'eval_loss', floor * 1.04 + 3.2 / Math.sqrt(step));
    at(step, 'eval_loss_austen', floor * 1.2 + 3.5 / Math.sqrt(step));
    at(step, 'lr', 3e-3 * Math.min(1, step / 50));
    at(step, 'grad_norm', 2 / Math.sqrt(step));
    at(step, 'tokens_per_s', 4000 - width * 10);
    at(step, 'attn_logit_max', 2 + (width / 32) * Math.log(step));
    for (let l = 0; l < LAYERS; l++) at(step, `attn_logit_max_l${l}`, 2 + ((l + 1) * width * Math.log(step)) / 64);
    at(step, 'attn_entropy_min', 2.5 - 0.2 * Math.log10(step));
    at(step, 'output_logit_mean', -0.3 + 0.001 * step);
  }
  return pts;
}

const axisLabels = (page: Page) => page.locator('[data-testid="curves"] .axis-label').allTextContents();
const drawnSeries = (page: Page) => page.locator('[data-testid="curves"] path.series').evaluateAll((ps) => ps.map((p) => p.getAttribute('data-series')));

describe('console curves of any streamed metric', () => {
  let dir: string;
  let browser: Browser;
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  let trainer: Trainer;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: the console test drives Debian's chromium; run apt-get install chromium`);
    dir = mkdtempSync(join(tmpdir(), 'slab-console-metrics-'));
    const consoleDir = await buildConsole(join(dir, 'console'));
    const dbPath = await testStoreUrl(join(dir, 'slab.db'));
    const store = await openStore(dbPath);
    await store.createSweep({ id: SWEEP, name: 'gpt-metrics', specYaml: 'name: gpt-metrics\n' });
    await store.close();
    gateway = await startGateway({ dbPath, token: TOKEN, consoleDir, host: '127.0.0.1', port: 0 });
    await new GatewayClient(gateway.url, TOKEN).report(SWEEP, {
      status: { sweepId: SWEEP, name: 'gpt-metrics', phase: 'running', batch: 1, trials: { planned: 3, running: 3, completed: 0, diverged: 0, failed: 0 }, flopsSpent: 0, budget: { trials: 3 } },
      newTrials: WIDTHS.map((width, i) => ({ trialId: trialId(i), config: { width, data: 200_000 }, reason: 'grid' })),
    });
    trainer = await Trainer.connect(gateway.wsUrl, SWEEP, TOKEN);
    for (const [i, width] of WIDTHS.entries()) {
      await trainer.open(trialId(i));
      await trainer.metrics(trialId(i), gptPoints(width, 10, 200));
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    mkdirSync(outputDir, { recursive: true });
  }, 90_000);

  afterAll(async () => {
    trainer?.close();
    await browser?.close();
    await gateway?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('picks attn_logit_max, keeps it through live frames and a reload, and toggles a linear y axis', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${gateway.url}/#/sweeps/${SWEEP}`);

    // Default view: train (solid) and eval (dashed) loss per trial.
    await expect.poll(() => drawnSeries(page), { timeout: 15_000 }).toHaveLength(2 * WIDTHS.length);
    expect(await axisLabels(page)).toEqual(['step (log)', 'loss (log)']);

    // The picker offers every streamed metric, losses first, per-layer metrics in layer order.
    const pick = page.locator('[data-testid="curve-metric"]');
    expect(await pick.locator('optgroup').evaluateAll((gs) => gs.map((g) => g.getAttribute('label')))).toEqual(['Losses', 'Optimiser', 'Attention and logits', 'Throughput']);
    expect(await pick.locator('optgroup[label="Losses"] option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['loss', 'eval_loss', 'eval_loss_austen', 'train_loss']);
    expect(await pick.locator('optgroup[label="Attention and logits"] option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual([
      'attn_entropy_min',
      'attn_logit_max',
      'attn_logit_max_l0',
      'attn_logit_max_l1',
      'output_logit_mean',
    ]);

    await pick.selectOption('attn_logit_max');
    const chosen = WIDTHS.map((_, i) => `${trialId(i)}:attn_logit_max`);
    await expect.poll(() => drawnSeries(page), { timeout: 15_000 }).toEqual(chosen);
    expect(await axisLabels(page)).toEqual(['step (log)', 'attn_logit_max (log)']);
    expect(await page.locator('[data-testid="curves"] .legend-key').count()).toBe(0);
    expect(new URL(page.url()).hash).toBe(`#/sweeps/${SWEEP}?curve=attn_logit_max`);
    // Stable trial colours: one per trial, the legend's swatch for each.
    const strokes = await page.locator('[data-testid="curves"] path.series').evaluateAll((ps) => ps.map((p) => p.getAttribute('stroke')));
    expect(new Set(strokes).size).toBe(WIDTHS.length);

    // Live frames extend the chosen metric's curves; the choice stands.
    await trainer.metrics(trialId(0), gptPoints(WIDTHS[0], 210, 300));
    const points = (id: string) => page.locator(`[data-testid="curves"] path.series[data-series="${id}"]`).getAttribute('data-points').then(Number);
    await expect.poll(() => points(chosen[0]), { timeout: 15_000 }).toBe(30);
    expect(await pick.inputValue()).toBe('attn_logit_max');
    expect(await drawnSeries(page)).toEqual(chosen);

    // Legend isolation works on any metric.
    await page.locator(`[data-testid="curves"] .legend-item[data-trial="${trialId(1)}"]`).click();
    await expect.poll(() => page.locator('[data-testid="curves"] path.series.faded').count(), { timeout: 15_000 }).toBe(2);
    await page.locator(`[data-testid="curves"] .legend-item[data-trial="${trialId(1)}"]`).click();

    // Linear y: the axis says so and its ticks are evenly spaced values, not decades.
    const yTicks = () => page.locator('[data-testid="curves"] svg').evaluate((svg) => Array.from(svg.querySelectorAll('text.tick-label[text-anchor="end"]')).map((t) => Number(t.getAttribute('y'))));
    const logTicks = await yTicks();
    await page.locator('[data-testid="curve-y"]').selectOption('linear');
    await expect.poll(() => axisLabels(page), { timeout: 15_000 }).toEqual(['step (log)', 'attn_logit_max']);
    expect(await yTicks()).not.toEqual(logTicks);
    const gaps = (await yTicks()).map((y, i, a) => (i ? a[i - 1] - y : 0)).slice(1);
    expect(Math.max(...gaps) - Math.min(...gaps)).toBeLessThan(1);
    expect(new URL(page.url()).hash).toBe(`#/sweeps/${SWEEP}?curve=attn_logit_max&y=linear`);

    // A reload (or a shared link) opens on the same curves.
    await page.reload();
    await expect.poll(() => drawnSeries(page), { timeout: 15_000 }).toEqual(chosen);
    expect(await axisLabels(page)).toEqual(['step (log)', 'attn_logit_max']);
    expect(await page.locator('[data-testid="curve-y"]').inputValue()).toBe('linear');

    // Clip from the full page: the live view may redraw the card while an element screenshot waits for it.
    const box = (await page.locator('#curves').boundingBox())!;
    await page.screenshot({ path: join(outputDir, 'curves-attn-logit-max-linear.png'), fullPage: true, clip: { ...box, y: box.y - 48, height: box.height + 48 } });

    // Learning rate opens on its own default scale (linear).
    await page.locator('[data-testid="curve-metric"]').selectOption('lr');
    await expect.poll(() => axisLabels(page), { timeout: 15_000 }).toEqual(['step (log)', 'lr']);
    expect(new URL(page.url()).hash).toBe(`#/sweeps/${SWEEP}?curve=lr`);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 90_000);
});
