/**
 * Fit history, compare, explore and the best group's tie, on real parts: two replay sweeps over the
 * published Chinchilla runs (an adaptive one stopped by its tolerance, a Sobol one), planned and
 * fitted by the orchestrator's own activities and reported batch by batch to a real gateway
 * (SQLite store); a curation sweep whose groups are fitted by fitSweep. Drawn by the built console
 * bundle in Debian's chromium; asserts what a user sees at 1280 and 800 px and saves screenshots.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient } from '@slab/api';
import { startGateway } from '@slab/gateway';
import { fitSweep } from '@slab/orchestration-node';
import { parseSpec, type TrialConfig, type TrialResult } from '@slab/spec';
import { buildConsole } from '../src';
import { formatFlops } from '../web/format';
import { runReplaySweep, type ReplaySweep } from './replaySweep';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'console-explore-token';
const REPO = join(import.meta.dirname, '../../..');
const outputDir = join(import.meta.dirname, 'output');

/** examples/replay-chinchilla.yaml with a looser tolerance, fewer trials and a smaller bootstrap, so it stops in a few batches. */
function replayYaml(name: string, kind: 'adaptive' | 'sobol', trials: number): string {
  return readFileSync(join(REPO, 'examples/replay-chinchilla.yaml'), 'utf8')
    .replace('name: replay-chinchilla-adaptive', `name: ${name}`)
    .replace('kind: adaptive', `kind: ${kind}`)
    .replace('trials: 48', `trials: ${trials}`)
    .replace('tolerance: 0.01', 'tolerance: 0.03')
    .replace('bootstrap: 40', 'bootstrap: 24');
}

/** A pruning sweep: three strategies over seven data sizes; keep-hard and keep-easy follow nearly one law. */
const CURATION_YAML = `name: curation-tie
task: { dataset: fashion-mnist, model: mlp, plugin: tfjs }
dimensions:
  width: { values: [64] }
  data: { values: [500, 1000, 2000, 4000, 8000, 16000, 32000] }
  curation.strategy: { values: [random, el2n-keep-hard, el2n-keep-easy] }
  curation.keep: { values: [0.5] }
budget: { trials: 21 }
planner: { kind: grid }
law: { name: power-law-plus-constant, metric: eval_loss, variables: { x: data }, bootstrap: 60 }
target: { kind: best-keep, compute: 1.0e10 }
`;
const LAWS: Record<string, [number, number, number]> = { random: [0.5, 40, 0.5], 'el2n-keep-hard': [0.3, 40, 0.5], 'el2n-keep-easy': [0.3, 40.05, 0.5] };

async function curationSweep(client: GatewayClient): Promise<string> {
  const parsed = parseSpec(CURATION_YAML);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const { id } = await client.createSweep(CURATION_YAML);
  const planned: TrialConfig[] = [];
  const results: TrialResult[] = [];
  for (const [s, [E, A, alpha]] of Object.entries(LAWS)) {
    for (const [j, D] of [500, 1000, 2000, 4000, 8000, 16000, 32000].entries()) {
      const N = 55_050;
      planned.push({ width: 64, data: D, 'curation.strategy': s, 'curation.keep': 0.5 });
      // ±4% deterministic scatter by data size (the same for every group), so the bootstraps have a spread.
      const noise = 1 + 0.04 * Math.sin(3 * j + 1);
      results.push({ trialId: `${id}-t${String(planned.length - 1).padStart(4, '0')}`, status: 'completed', params: N, data: D, flops: 6 * N * D, final: { eval_loss: (E + A / D ** alpha) * noise }, resumedFromStep: 0, steps: 10, backend: 'cpu', wallSeconds: 1 });
    }
  }
  const fit = fitSweep(parsed.spec, results, planned);
  const status = { sweepId: id, name: 'curation-tie', phase: 'completed' as const, batch: 1, trials: { planned: 21, running: 0, completed: 21, diverged: 0, failed: 0 }, flopsSpent: results.reduce((s, r) => s + r.flops, 0), budget: { trials: 21 }, stopReason: 'grid exhausted: all 21 points planned' };
  await client.report(id, { status, newTrials: planned.map((config, i) => ({ trialId: results[i].trialId, config, reason: `grid point ${i + 1} of 21` })), finished: results, fit });
  return id;
}

/** An element's box in page coordinates (a full-page screenshot's clip), whatever the scroll. */
const pageBox = (page: Page, selector: string) =>
  page.evaluate((s) => {
    const r = document.querySelector(s)!.getBoundingClientRect();
    return { x: r.x + window.scrollX, y: r.y + window.scrollY, width: r.width, height: r.height };
  }, selector);

const pageOverflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

describe('fit history, compare, explore and tied groups', () => {
  let dir: string;
  let browser: Browser;
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  let adaptive: ReplaySweep;
  let sobol: ReplaySweep;
  let curation: string;

  const open = async (hash: string, width = 1280) => {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${gateway.url}/${hash}`);
    return { page, errors };
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: the console test drives Debian's chromium; run apt-get install chromium`);
    dir = mkdtempSync(join(tmpdir(), 'slab-console-explore-'));
    const consoleDir = await buildConsole(join(dir, 'console'));
    gateway = await startGateway({ dbPath: join(dir, 'slab.db'), token: TOKEN, consoleDir, host: '127.0.0.1', port: 0 });
    const client = new GatewayClient(gateway.url, TOKEN);
    // At once: the fits run in worker threads, so the sweeps overlap.
    [adaptive, sobol, curation] = await Promise.all([
      runReplaySweep(client, replayYaml('chinchilla-adaptive', 'adaptive', 32), REPO),
      runReplaySweep(client, replayYaml('chinchilla-sobol', 'sobol', 16), REPO),
      curationSweep(client),
    ]);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    mkdirSync(outputDir, { recursive: true });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("charts the target's prediction and interval width against FLOPs, batch by batch, with the stop marked", async () => {
    expect(adaptive.stopReason).toMatch(/within the tolerance ±3\.00%/);
    const { page, errors } = await open(`#/sweeps/${adaptive.id}`);
    const chart = page.locator('[data-testid="fit-history-chart"]');
    await chart.waitFor({ timeout: 15_000 });
    // One point per fit with a prediction (the first batches may be too small to fit).
    const fits = await new GatewayClient(gateway.url, TOKEN).fits(adaptive.id);
    const withTarget = fits.filter((f) => f.summary.target);
    expect(withTarget.length).toBeGreaterThan(1);
    const value = chart.locator('figure[data-history="value"]');
    expect(await value.locator('circle.marker.fit, circle.marker.degenerate').count()).toBe(withTarget.length);
    expect(await value.locator('.whisker').count()).toBe(withTarget.length);
    // The x values are the FLOPs each fit records, increasing batch by batch.
    const flops = withTarget.map((f) => f.summary.trainingFlops!);
    expect(flops.every((x, i) => i === 0 || x > flops[i - 1])).toBe(true);
    // The stop: a ringed square at the last fit, and the reason in words; the tolerance as a rule.
    expect(await value.locator('rect.marker.stop-point').count()).toBe(1);
    expect(await chart.locator('[data-testid="history-stop"]').textContent()).toContain(`Stopped after batch ${adaptive.batches}`);
    expect(await chart.locator('[data-testid="history-stop"]').textContent()).toContain('within the tolerance ±3.00%');
    const width = chart.locator('figure[data-history="width"]');
    expect(await width.locator('line.rule').count()).toBe(1);
    expect(await width.locator('figcaption').textContent()).toContain("the planner's tolerance ±3%");
    // The last fit's half-width is under the tolerance that stopped the sweep (both on the 95% interval).
    const last = withTarget[withTarget.length - 1].summary.target!;
    expect((last.hi - last.lo) / 2 / last.value).toBeLessThan(0.03);
    expect(await value.locator('figcaption').textContent()).toContain('95% interval');
    // Hovering a point names its batch.
    // Hover again on each poll: a live re-render (a resubscription re-reads the sweep) replaces the plot.
    const hoverPoint = async () => {
      await value.locator('circle.marker.fit, circle.marker.degenerate').first().hover({ force: true, timeout: 2_000 }).catch(() => undefined);
      return value.locator('.readout').textContent();
    };
    await expect.poll(hoverPoint, { timeout: 15_000 }).toMatch(/^batch \d+: /);
    await page.screenshot({ path: join(outputDir, 'fit-history.png'), fullPage: true, clip: await pageBox(page, '#history-card') });
    // Another level: the intervals follow and say so.
    await page.locator('[data-testid="level"]').selectOption('0.68');
    await expect.poll(() => value.locator('figcaption').textContent()).toContain('68% interval');
    await page.locator('[data-testid="level"]').selectOption('0.95');
    await page.setViewportSize({ width: 800, height: 900 });
    await expect.poll(() => pageOverflow(page)).toBe(0);
    await page.screenshot({ path: join(outputDir, 'fit-history-800px.png'), fullPage: true, clip: await pageBox(page, '#history-card') });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('compares sweeps picked on the list page: laws and frontiers on shared axes, and a table that follows new reports', async () => {
    const { page, errors } = await open('#/');
    await page.locator(`input[data-pick="${adaptive.id}"]`).waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid="compare-button"]').isDisabled()).toBe(true);
    await page.locator(`input[data-pick="${adaptive.id}"]`).check();
    await page.locator(`input[data-pick="${sobol.id}"]`).check();
    await page.locator('[data-testid="compare-button"]').click();
    await expect.poll(() => page.evaluate(() => location.hash)).toBe(`#/compare?ids=${adaptive.id},${sobol.id}`);
    const rows = page.locator('[data-testid="compare-table"] tbody tr');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(2);
    expect(await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-sweep')))).toEqual([adaptive.id, sobol.id]);
    expect(await page.locator('[data-testid="compare-table"] thead th').allTextContents()).toEqual(['Sweep', 'Law', 'E', 'A', 'B', 'alpha', 'beta', 'Target [95% interval]', 'a = β/(α+β)', 'Points', 'FLOPs spent']);
    // Each sweep's numbers are its own latest fit's.
    const client = new GatewayClient(gateway.url, TOKEN);
    for (const s of [adaptive, sobol]) {
      const fit = (await client.getSweep(s.id)).fit!.summary;
      const row = page.locator(`[data-testid="compare-table"] tr[data-sweep="${s.id}"]`);
      expect(await row.locator('td[data-param="alpha"]').textContent()).toContain(String(+fit.params.alpha.toPrecision(4)));
      expect(await row.locator('[data-testid="compare-target"]').textContent()).toMatch(new RegExp(`^${String(+fit.target!.value.toPrecision(4)).replace('.', '\\.')} \\[[^\\]]+\\] 95%`));
      const spent = s.results.reduce((a, r) => a + r.flops, 0);
      expect(await row.locator('[data-testid="compare-flops"]').textContent()).toBe(formatFlops(spent));
    }
    // Both laws along their frontier on one compute axis, with bands.
    const loss = page.locator('figure[data-compare="loss"]');
    expect(await loss.locator('path.series[data-series^="compare:loss:"]').count()).toBe(2);
    expect(await loss.locator('path.band').count()).toBe(2);
    expect(await loss.locator('circle.marker.run').count()).toBe(adaptive.results.length + sobol.results.length);
    // Frontiers (N* and D*) of the laws whose exponents the data determine; the others are named as not drawn.
    const leftOpen: ReplaySweep[] = [];
    for (const s of [adaptive, sobol]) {
      const undetermined = (await client.getSweep(s.id)).fit!.summary.identifiability?.undetermined ?? [];
      if (undetermined.some((p) => ['A', 'B', 'alpha', 'beta'].includes(p))) leftOpen.push(s);
    }
    expect(await page.locator('figure[data-compare="frontier"] path.series').count()).toBe(2 * (2 - leftOpen.length));
    if (leftOpen.length) expect(await page.locator('[data-testid="compare-frontier-off"]').textContent()).toContain(`chinchilla-${leftOpen[0] === adaptive ? 'adaptive' : 'sobol'}`);
    // A degenerate law is flagged in its row.
    for (const s of leftOpen) expect(await page.locator(`tr[data-sweep="${s.id}"] [data-testid="compare-degenerate"]`).textContent()).toMatch(/^degenerate: partly-identified: .*not determined by the data/);
    const colors = await loss.locator('path.series').evaluateAll((ps) => ps.map((p) => p.getAttribute('stroke')));
    expect(new Set(colors).size).toBe(2);
    // The table downloads as CSV, one row per sweep.
    const [csvFile] = await Promise.all([page.waitForEvent('download'), page.locator('button[data-download="csv"]').click()]);
    const csv = readFileSync((await csvFile.path())!, 'utf8').trim().split(/\r?\n/);
    expect(csv[0]).toMatch(/^"?Sweep"?,"?Law"?,"?E"?,/);
    expect(csv).toHaveLength(3);
    expect(csv[1]).toContain(adaptive.id);
    await page.screenshot({ path: join(outputDir, 'compare.png'), fullPage: true });
    // Live: a new report of one sweep redraws its row without a reload of the page.
    const before = (await client.getSweep(sobol.id)).status;
    await client.report(sobol.id, { status: { ...before, flopsSpent: before.flopsSpent * 2 } });
    const sobolFlops = page.locator(`[data-testid="compare-table"] tr[data-sweep="${sobol.id}"] [data-testid="compare-flops"]`);
    await expect.poll(() => sobolFlops.textContent()).toBe(formatFlops(before.flopsSpent * 2));
    await client.report(sobol.id, { status: before });
    await expect.poll(() => sobolFlops.textContent()).toBe(formatFlops(before.flopsSpent));
    await page.locator('[data-testid="level"]').selectOption('0.8');
    await expect.poll(() => page.locator('[data-testid="compare-table"] thead th').nth(7).textContent()).toBe('Target [80% interval]');
    expect(await page.locator('[data-testid="compare-target"]').first().textContent()).toMatch(/ 80%/);
    await page.locator('[data-testid="level"]').selectOption('0.95');
    await page.setViewportSize({ width: 800, height: 900 });
    await expect.poll(() => pageOverflow(page)).toBe(0);
    await page.screenshot({ path: join(outputDir, 'compare-800px.png'), fullPage: true });
    // Fewer than two sweeps, or one that does not exist: said in words.
    await page.goto(`${gateway.url}/#/compare?ids=${adaptive.id}`);
    await expect.poll(() => page.locator('[data-testid="compare-empty"]').textContent()).toMatch(/^Pick at least two sweeps/);
    await page.goto(`${gateway.url}/#/compare?ids=${adaptive.id},no-such-sweep`);
    await expect.poll(() => page.locator('#message').textContent(), { timeout: 15_000 }).toMatch(/^sweep no-such-sweep: /);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('explores runs: parallel coordinates with brushing, a configurable scatter, hover names the trial', async () => {
    const { page, errors } = await open(`#/sweeps/${adaptive.id}`);
    await page.locator('[data-testid="explore-link"]').click();
    await expect.poll(() => page.evaluate(() => location.hash)).toBe(`#/sweeps/${adaptive.id}/explore`);
    const n = adaptive.results.length;
    const lines = page.locator('[data-testid="parallel"] path.pc-line');
    await expect.poll(() => lines.count(), { timeout: 15_000 }).toBe(n);
    const axes = await page.locator('[data-testid="parallel"] g.pc-axis').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-key')));
    expect(axes).toEqual(['config.data', 'config.params', 'flops', 'dataPerParam', 'final.eval_loss']);
    // Brush the lower half of the loss axis: only runs with a loss there stay highlighted, named below.
    const losses = adaptive.results.map((r) => r.final.eval_loss!).sort((a, b) => a - b);
    await page.locator('[data-testid="parallel"] rect.pc-hit[data-key="final.eval_loss"]').scrollIntoViewIfNeeded();
    const hit = (await page.locator('[data-testid="parallel"] rect.pc-hit[data-key="final.eval_loss"]').boundingBox())!;
    // From below the axis's lowest value (the drag area reaches past the axis end) to its middle.
    await page.mouse.move(hit.x + hit.width / 2, hit.y + hit.height - 2);
    await page.mouse.down();
    await page.mouse.move(hit.x + hit.width / 2, hit.y + hit.height * 0.5, { steps: 4 });
    await page.mouse.up();
    const faded = () => page.locator('[data-testid="parallel"] path.pc-line.faded').count();
    await expect.poll(faded).toBeGreaterThan(0);
    const kept = n - (await faded());
    expect(kept).toBeGreaterThan(0);
    // The kept runs are the lowest losses: every kept line's loss is below every faded one's.
    const lossOf = new Map(adaptive.results.map((r) => [r.trialId, r.final.eval_loss!]));
    const split = await lines.evaluateAll((ps) => ps.map((p) => [p.getAttribute('data-trial'), p.classList.contains('faded')] as const));
    const keptLosses = split.filter(([, f]) => !f).map(([id]) => lossOf.get(id!)!);
    const fadedLosses = split.filter(([, f]) => f).map(([id]) => lossOf.get(id!)!);
    expect(Math.max(...keptLosses)).toBeLessThan(Math.min(...fadedLosses));
    // The brush covers about the lower half of the axis (log scale between the extremes).
    const middle = Math.sqrt(losses[0] * losses[n - 1]);
    expect(Math.abs(kept - losses.filter((l) => l <= middle).length)).toBeLessThanOrEqual(1);
    expect(await page.locator('[data-testid="pc-selected"]').textContent()).toMatch(new RegExp(`^${kept} of ${n} runs in the brushes: #\\d+`));
    expect(await page.locator('[data-testid="scatter"] circle.pt.faded').count()).toBe(n - kept);
    await page.screenshot({ path: join(outputDir, 'explore-brushed.png'), fullPage: true });
    await page.locator('[data-testid="pc-clear"]').click();
    await expect.poll(faded).toBe(0);
    // Hovering a line names its trial and values.
    // A line is thin: the event a pointer over its stroke sends.
    await lines.first().dispatchEvent('mouseover');
    await expect.poll(() => page.locator('[data-testid="parallel"] .readout').textContent()).toMatch(/^#\d+ N [^:]+: data [^·]+ · params /);

    // Scatter: FLOPs against the final loss, coloured by data, x switched to linear.
    await page.locator('[data-testid="sc-x"]').selectOption('flops');
    await page.locator('[data-testid="sc-color"]').selectOption('config.data');
    expect(await page.locator('[data-testid="scatter"] circle.pt').count()).toBe(n);
    expect(await page.locator('[data-testid="scatter"] .axis-label').allTextContents()).toEqual(['FLOPs C (log)', 'final eval_loss (log)']);
    const fills = await page.locator('[data-testid="scatter"] circle.pt').evaluateAll((cs) => cs.map((c) => c.getAttribute('fill')));
    expect(new Set(fills).size).toBeGreaterThan(2);
    expect(await page.locator('[data-testid="scatter"] [data-testid="color-key"]').textContent()).toContain('data');
    await page.locator('[data-testid="sc-xscale"]').selectOption('linear');
    await expect.poll(() => page.locator('[data-testid="scatter"] .axis-label').first().textContent()).toBe('FLOPs C (linear)');
    await page.locator('[data-testid="scatter"] circle.pt').first().hover({ force: true });
    await expect.poll(() => page.locator('[data-testid="scatter"] .readout').textContent()).toMatch(/^#\d+ N \S+ · FLOPs C .* · final eval_loss .* · data /);
    // The scatter downloads as an SVG holding every run's point.
    const [svgFile] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="scatter"] button[data-download="svg"]').click()]);
    expect(svgFile.suggestedFilename()).toBe(`${adaptive.id}-final.eval_loss-vs-flops.svg`);
    expect(readFileSync((await svgFile.path())!, 'utf8').match(/<circle /g)).toHaveLength(n);
    await page.screenshot({ path: join(outputDir, 'explore.png'), fullPage: true });
    await page.setViewportSize({ width: 800, height: 900 });
    await expect.poll(() => pageOverflow(page)).toBe(0);
    await page.screenshot({ path: join(outputDir, 'explore-800px.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('says when the best group is statistically indistinguishable from another', async () => {
    const { page, errors } = await open(`#/sweeps/${curation}`);
    const answer = page.locator('[data-testid="fit-answer"]');
    await answer.waitFor({ timeout: 15_000 });
    const best = (await answer.textContent())!;
    // keep-hard and keep-easy follow nearly the same law: either may come out best, and they are tied.
    expect(best).toMatch(/Best at C=1\.00e\+10: curation\.strategy=el2n-keep-(hard|easy)/);
    const other = best.includes('keep-hard') ? 'el2n-keep-easy' : 'el2n-keep-hard';
    const tie = page.locator('[data-testid="best-tie"]');
    expect(await tie.textContent()).toMatch(new RegExp(`^Indistinguishable from curation\\.strategy=${other} at 95%: the bootstrap difference of the predictions includes 0 \\[-[^,]+, [^\\]]+\\]\\. Read these groups as tied, not ranked\\.$`));
    // random is clearly worse: not named as a tie. The tied group is badged in the groups table.
    expect(await tie.textContent()).not.toContain('random');
    expect(await page.locator('[data-testid="fit-groups"] [data-testid="tied-badge"]').count()).toBe(1);
    expect(await page.locator(`[data-testid="fit-groups"] tr[data-group="curation.strategy=${other}"] [data-testid="tied-badge"]`).textContent()).toBe('tied with best');
    // At 68% the tie still holds (the difference's interval narrows but keeps 0), and says its level.
    await page.locator('[data-testid="level"]').selectOption('0.68');
    await expect.poll(() => tie.textContent()).toMatch(new RegExp(`^Indistinguishable from curation\\.strategy=${other} at 68%`));
    await page.locator('[data-testid="level"]').selectOption('0.95');
    await page.screenshot({ path: join(outputDir, 'best-tie.png'), fullPage: true, clip: await pageBox(page, '#fit-card') });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
