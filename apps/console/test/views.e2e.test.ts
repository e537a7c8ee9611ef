/**
 * The views a researcher reads a finished study from, on real parts: laws fitted by the product's own
 * fitSweep to a width × tokens grid like examples/lm-quickstart.yaml (Chinchilla per metric, two
 * runs held out), reported to the real gateway (SQLite store), drawn by the built console bundle in
 * Debian's chromium. Asserts what a user sees at 1280 and 800 px and saves a screenshot of each view.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient } from '@slab/api';
import { startGateway } from '@slab/gateway';
import type { SweepStatus } from '@slab/orchestration';
import { fitSweep } from '@slab/orchestration-node';
import { parseSpec, type SweepSpec, type TrialResult } from '@slab/spec';
import { openStore } from '@slab/store';
import { testStoreUrl } from '@slab/store/testing';
import { buildConsole } from '../src';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'console-views-token';
const LM = 'views-lm';
const FLAT = 'views-flat-d';
const outputDir = join(import.meta.dirname, 'output');
const WIDTHS = [16, 24, 32, 48, 64];
const TOKENS = [49152, 147456, 442368];
const STOP = 'trial cap reached (15 trials)';

/** The lm-quickstart spec with a smaller bootstrap, so the fit takes about a second here. */
function lmSpec(): SweepSpec {
  const parsed = parseSpec(readFileSync(join(import.meta.dirname, '../../../examples/lm-quickstart.yaml'), 'utf8'));
  if (!parsed.ok) throw new Error(`examples/lm-quickstart.yaml: ${JSON.stringify(parsed.issues)}`);
  return { ...parsed.spec, law: { ...parsed.spec.law, bootstrap: 40 } };
}

/** Final losses from two known Chinchilla laws (in-distribution and Austen) with ±1% deterministic noise. */
function results(sweep: string, tokens: (j: number) => number = (j) => TOKENS[j]): TrialResult[] {
  return WIDTHS.flatMap((w, i) =>
    TOKENS.map((_, j) => {
      const N = 24 * w * w + 512 * w;
      const D = tokens(j);
      const noise = 1 + 0.002 * Math.sin(7 * i + 3 * j);
      return {
        trialId: `${sweep}-t${String(i * TOKENS.length + j).padStart(4, '0')}`,
        status: 'completed' as const,
        params: N,
        data: D,
        flops: 6 * N * D,
        final: { eval_loss: (1.6 + 30 / N ** 0.35 + 400 / D ** 0.4) * noise, eval_loss_austen: (2.1 + 25 / N ** 0.3 + 300 / D ** 0.38) * noise },
        resumedFromStep: 0,
        steps: D / 512,
        backend: 'cpu',
        wallSeconds: 2,
      };
    }),
  );
}

function status(sweepId: string, name: string, n: number): SweepStatus {
  return {
    sweepId,
    name,
    phase: 'completed',
    batch: 2,
    trials: { planned: n, running: 0, completed: n, diverged: 0, failed: 0 },
    flopsSpent: 3e13,
    budget: { trials: n },
    stopReason: STOP,
  };
}

async function report(client: GatewayClient, sweepId: string, spec: SweepSpec, rs: TrialResult[]): Promise<ReturnType<typeof fitSweep>> {
  const fit = fitSweep(spec, rs);
  await client.report(sweepId, {
    status: status(sweepId, spec.name, rs.length),
    newTrials: rs.map((r, i) => ({
      trialId: r.trialId,
      config: { width: WIDTHS[Math.floor(i / TOKENS.length)], data: r.data },
      reason: `grid point ${i + 1} of ${rs.length}: width × data`,
    })),
    finished: rs,
    fit,
  });
  return fit;
}

/** No horizontal scrolling of the page itself (tables may scroll inside their own box). */
const pageOverflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

describe('console views of a finished scaling study', () => {
  let dir: string;
  let browser: Browser;
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  let client: GatewayClient;
  let lmFit: ReturnType<typeof fitSweep>;
  let flatFit: ReturnType<typeof fitSweep>;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: the console test drives Debian's chromium; run apt-get install chromium`);
    dir = mkdtempSync(join(tmpdir(), 'slab-console-views-'));
    const consoleDir = await buildConsole(join(dir, 'console'));
    const dbPath = await testStoreUrl(join(dir, 'slab.db'));
    const store = await openStore(dbPath);
    await store.createSweep({ id: LM, name: 'lm-quickstart-sotu', specYaml: 'name: lm-quickstart-sotu\n' });
    await store.createSweep({ id: FLAT, name: 'one-token-budget', specYaml: 'name: one-token-budget\n' });
    await store.close();
    gateway = await startGateway({ dbPath, token: TOKEN, consoleDir, host: '127.0.0.1', port: 0 });
    client = new GatewayClient(gateway.url, TOKEN);
    const spec = lmSpec();
    lmFit = await report(client, LM, spec, results(LM));
    // Each run's training curve, written through the store as the gateway's ingest does.
    const writer = await openStore(dbPath);
    for (const [i, r] of results(LM).entries()) {
      const points = [];
      for (let step = 16; step <= r.steps; step += 16) points.push({ step, name: 'train_loss', value: r.final.eval_loss! + 3 / Math.sqrt(step) + i * 0.01, wallTime: 1000 + step });
      await writer.appendFrame({ sweepId: LM, trialId: r.trialId, seq: 1, points });
    }
    await writer.close();
    // Every run at one token budget: D cannot be told apart from E, so the law is not identified.
    flatFit = await report(client, FLAT, { ...spec, name: 'one-token-budget', holdout: undefined, law: { ...spec.law, metrics: undefined } }, results(FLAT, () => TOKENS[1]));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    mkdirSync(outputDir, { recursive: true });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows per-metric laws side by side, held-out runs, slices, residuals and one labelled interval level', async () => {
    const heldOut = lmFit.summary.heldOut!;
    expect(heldOut).toHaveLength(2);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${gateway.url}/#/sweeps/${LM}`);

    // One row and one section per metric of law.metrics, with the metric named.
    const metricRows = page.locator('[data-testid="metric-fits"] tbody tr');
    await expect.poll(() => metricRows.count(), { timeout: 15_000 }).toBe(2);
    expect(await metricRows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-metric')))).toEqual(['eval_loss', 'eval_loss_austen']);
    const austen = page.locator('section.metric-fit[data-metric="eval_loss_austen"]');
    expect(await austen.locator('h3').textContent()).toBe('eval_loss_austen');
    expect(await austen.locator('figure[data-axis="N"] .axis-label').allTextContents()).toContain('final eval_loss_austen (log)');

    // One interval level on the page, 95% by default, and it is written wherever an interval is shown.
    const levelsShown = async () => {
      // The fit's own diagnostics quote the level they were computed at; everything drawn follows the view.
      const text = await page.locator('#fit').evaluate((el) => {
        const copy = el.cloneNode(true) as HTMLElement;
        copy.querySelectorAll('[data-testid="fit-diagnostic"]').forEach((d) => d.remove());
        return copy.textContent ?? '';
      });
      return [...new Set([...text.matchAll(/(\d+)% (?:band|interval)|\[[^\]]*\] (\d+)%/g)].map((m) => m[1] ?? m[2]))];
    };
    expect(await page.locator('[data-testid="band-level"]').first().textContent()).toBe('95% band from 40 bootstrap fits');
    expect(await page.locator('[data-testid="target-level"]').allTextContents()).toEqual(['95%', '95%', '95%', '95%']);
    expect(await levelsShown()).toEqual(['95']);
    const target95 = (await page.locator('section[data-metric="eval_loss"] [data-testid="fit-target"]').textContent())!;

    // A 2-D law: one curve per token budget on the loss-vs-N plot, coloured by D and named at its end.
    const nFig = page.locator('section[data-metric="eval_loss"] figure[data-axis="N"]');
    expect(await nFig.locator('path.series[data-series^="fit:N"]').count()).toBe(TOKENS.length);
    expect(await nFig.locator('text.end-label').allTextContents()).toEqual(['D = 49.2k', 'D = 147k', 'D = 442k']);
    const curveColors = await nFig.locator('path.series[data-series^="fit:N"]').evaluateAll((ps) => ps.map((p) => p.getAttribute('stroke')));
    expect(new Set(curveColors).size).toBe(TOKENS.length);
    expect(await nFig.locator('.legend-item[data-slice]').count()).toBe(TOKENS.length);
    // Points take their slice's colour: all runs at the smallest D share the first curve's colour.
    const smallD = await nFig.locator('.marker').evaluateAll((ms) => ms.map((m) => m.getAttribute('stroke')));
    expect(smallD.filter((c) => c === curveColors[0])).toHaveLength(WIDTHS.length);

    // Held-out runs: hollow squares in each fit plot, the residual plots, the frontier; tagged in the table and curves legend.
    for (const testid of ['pred-vs-actual', 'residuals']) expect(await page.locator(`section[data-metric="eval_loss"] [data-testid="${testid}"] rect.marker.held-out`).count()).toBe(2);
    expect(await nFig.locator('rect.marker.held-out').count()).toBe(2);
    expect(await nFig.locator('circle.marker.fitted').count()).toBe(13);
    expect(await page.locator('[data-testid="frontier"] rect.marker.held-out').count()).toBe(2);
    const heldRows = await page.locator('[data-testid="trial-table"] tr[data-held-out="true"]').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-trial')));
    expect(heldRows.sort()).toEqual([...heldOut].sort());
    expect(await page.locator(`tr[data-trial="${heldOut[0]}"] .badge.held`).textContent()).toBe('held out');
    expect(await page.locator('section[data-metric="eval_loss"] [data-testid="holdout-error"]').textContent()).toMatch(/^held-out error \d+\.\d% over 2 held-out runs/);

    // The planner's reasons: each trial's plan reason, the stop reason in words.
    expect(await page.locator(`tr[data-trial="${LM}-t0004"] td.plan-reason`).textContent()).toBe('grid point 5 of 15: width × data');
    expect(await page.locator('[data-testid="stop-reason"]').textContent()).toBe(`stopped: ${STOP}`);

    await page.screenshot({ path: join(outputDir, 'lm-fit-95.png'), fullPage: true });

    // Another level: every band, target and exponent follows and says so; the target interval narrows.
    await page.locator('[data-testid="level"]').selectOption('0.68');
    await expect.poll(() => levelsShown(), { timeout: 15_000 }).toEqual(['68']);
    const target68 = (await page.locator('section[data-metric="eval_loss"] [data-testid="fit-target"]').textContent())!;
    const width = (t: string) => {
      const [lo, hi] = /\[([^,]+), ([^\]]+)\]/.exec(t)!.slice(1).map(Number);
      return hi - lo;
    };
    expect(width(target68)).toBeLessThan(width(target95));
    expect(await page.locator('[data-testid="frontier"]').innerText()).toContain('central 68% over 40 bootstrap fits');
    // The choice is kept for the next page.
    await page.reload();
    await expect.poll(() => page.locator('[data-testid="band-level"]').first().textContent(), { timeout: 15_000 }).toBe('68% band from 40 bootstrap fits');
    await page.locator('[data-testid="level"]').selectOption('0.95');
    await expect.poll(() => levelsShown(), { timeout: 15_000 }).toEqual(['95']);

    // Narrow window: one column, nothing pushes the page sideways.
    await page.setViewportSize({ width: 800, height: 900 });
    await expect.poll(() => pageOverflow(page)).toBe(0);
    // The loss-vs-D plot sits under the loss-vs-N plot, not beside it.
    const stacked = () =>
      page.evaluate(() => {
        const box = (axis: string) => document.querySelector(`section[data-metric="eval_loss"] figure[data-axis="${axis}"]`)!.getBoundingClientRect();
        return box('D').top >= box('N').bottom - 1;
      });
    await expect.poll(stacked, { timeout: 15_000 }).toBe(true);
    await page.screenshot({ path: join(outputDir, 'lm-fit-800px.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 90_000);

  it('gives every trial its own colour and isolates one from the legend', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${gateway.url}/#/sweeps/${LM}`);
    const legend = page.locator('[data-testid="curves"] .legend-item[data-trial]');
    await expect.poll(() => legend.count(), { timeout: 15_000 }).toBe(15);
    const swatches = await legend.locator('.swatch').evaluateAll((ss) => ss.map((s) => getComputedStyle(s).backgroundColor));
    expect(new Set(swatches).size).toBe(15);
    expect((await page.locator('[data-testid="curves"] .legend-item[data-held-out="true"]').allTextContents()).every((t) => t.endsWith('held out'))).toBe(true);
    const faded = () => page.locator('[data-testid="curves"] path.series.faded').count();
    expect(await faded()).toBe(0);
    const target = `${LM}-t0007`;
    await page.locator(`[data-testid="curves"] .legend-item[data-trial="${target}"]`).click();
    await expect.poll(faded, { timeout: 15_000 }).toBe(14);
    expect(await page.locator(`[data-testid="curves"] path.series[data-series="${target}:train_loss"]`).getAttribute('class')).toBe('series');
    expect(await page.locator(`[data-testid="curves"] .legend-item[data-trial="${target}"]`).getAttribute('aria-pressed')).toBe('true');
    // Clip from the full page: the live view may redraw the card while an element screenshot waits for it.
    const curvesBox = (await page.locator('#curves').boundingBox())!;
    await page.screenshot({ path: join(outputDir, 'curves-isolated.png'), fullPage: true, clip: curvesBox });
    await page.locator(`[data-testid="curves"] .legend-item[data-trial="${target}"]`).click();
    await expect.poll(faded, { timeout: 15_000 }).toBe(0);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 60_000);

  it('flags a degenerate fit in red and keeps the axes on the runs', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${gateway.url}/#/sweeps/${FLAT}`);
    const flag = page.locator('[data-testid="fit-degenerate"]');
    await flag.waitFor({ timeout: 15_000 });
    expect(await flag.textContent()).toMatch(/^(Degenerate|Partly identified) fit: (un|partly-)identified: .*not determined by the data/);
    await expect.poll(() => flag.evaluate((e) => getComputedStyle(e).color)).toBe('rgb(192, 57, 43)');
    const verdict = flatFit.summary.identifiability!.verdict;
    expect(verdict).not.toBe('identified');
    // An unidentified law is struck through; a partly identified one keeps its formula, outlined in red.
    expect(await page.locator('[data-testid="fit-formula"]').getAttribute('class')).toBe(`formula ${verdict === 'unidentified' ? 'degenerate' : 'partly'}`);
    expect(await page.locator('.param.undetermined .param-name').allTextContents()).toEqual(expect.arrayContaining(flatFit.summary.identifiability!.undetermined));
    expect(await page.locator('[data-testid="fit-history"] tr.degenerate').count()).toBe(1);
    // The y axis spans the runs' losses (about 2.4 to 3.2), not the runaway law.
    const yTicks = (await page.locator('figure[data-axis="N"] .tick-label[text-anchor="end"]').allTextContents()).map(Number);
    const losses = results(FLAT, () => TOKENS[1]).map((r) => r.final.eval_loss!);
    expect(yTicks.length).toBeGreaterThan(1);
    expect(yTicks.every(Number.isFinite)).toBe(true);
    expect(Math.max(...yTicks)).toBeLessThan(Math.max(...losses) * 1.5);
    expect(Math.min(...yTicks)).toBeGreaterThan(Math.min(...losses) / 1.5);
    expect(await page.locator('[data-testid="frontier-undetermined"]').textContent()).toMatch(/^Compute-optimal frontier not drawn: it rests on .*(alpha|beta|A|B)/);
    expect(await page.locator('[data-testid="frontier"]').count()).toBe(0);
    await page.screenshot({ path: join(outputDir, 'degenerate-fit.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 60_000);
});
