/**
 * The hyperparameters (Step Law), overtraining (Gadre et al.) and repetition (Muennighoff et al.) study views
 * on real parts: answers computed
 * by @slab/studies from the stored runs of the two sweeps trained on this machine (bench/studies/data),
 * stored through the real gateway inside a fit report, drawn by the built console in Debian's chromium.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient, type StudyAnswer } from '@slab/api';
import { startGateway } from '@slab/gateway';
import { parseSpec } from '@slab/spec';
import { openStore } from '@slab/store';
import { answerStudy, type StudySpec, type StudyTrial } from '@slab/studies';
import { buildConsole } from '../src';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'console-study-scaling-token';
const outputDir = join(import.meta.dirname, 'output');
const repo = join(import.meta.dirname, '../../..');
const read = (path: string) => readFileSync(join(repo, path), 'utf8');
const AT = { batch: 0, computedAt: '2026-12-01T02:40:00.000Z' };

function answer(kind: 'hyperparameters' | 'overtraining' | 'repetition'): StudyAnswer {
  const parsed = parseSpec(read(`examples/study-${kind}.yaml`));
  if (!parsed.ok || !parsed.spec.study) throw new Error(`examples/study-${kind}.yaml: no study section`);
  const { trials } = JSON.parse(read(`bench/studies/data/${kind}-runs.json`)) as { trials: StudyTrial[] };
  return answerStudy({ ...(parsed.spec.study as StudySpec), bootstrap: 100 } as StudySpec, trials, [], AT);
}

const pageOverflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

describe('console study views: hyperparameters, overtraining and repetition', () => {
  let dir: string;
  let browser: Browser;
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  let hyper: StudyAnswer;
  let over: StudyAnswer;
  let rep: StudyAnswer;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: the console test drives Debian's chromium; run apt-get install chromium`);
    dir = mkdtempSync(join(tmpdir(), 'slab-console-study-scaling-'));
    const consoleDir = await buildConsole(join(dir, 'console'));
    const dbPath = join(dir, 'slab.db');
    const store = await openStore(dbPath);
    await store.createSweep({ id: 'hyper', name: 'study-hyperparameters', specYaml: read('examples/study-hyperparameters.yaml') });
    await store.createSweep({ id: 'over', name: 'study-overtraining', specYaml: read('examples/study-overtraining.yaml') });
    await store.createSweep({ id: 'rep', name: 'study-repetition', specYaml: read('examples/study-repetition.yaml') });
    await store.close();
    gateway = await startGateway({ dbPath, token: TOKEN, consoleDir, host: '127.0.0.1', port: 0 });
    const client = new GatewayClient(gateway.url, TOKEN);
    hyper = answer('hyperparameters');
    over = answer('overtraining');
    rep = answer('repetition');
    for (const [id, a] of [['hyper', hyper], ['over', over], ['rep', rep]] as const) {
      const skipped = 'the study test stores no law';
      await client.addFit(id, { summary: { law: 'power-law', params: {}, converged: false, nPoints: 0, formula: '', skipped }, report: { skipped, study: a } });
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    mkdirSync(outputDir, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('hyperparameters: η* against N per D with the law and its band, a row per (N, D) with its doubt, the laws in words', async () => {
    if (hyper.result?.kind !== 'hyperparameters') throw new Error(`expected a hyperparameters answer, got ${JSON.stringify(hyper)}`);
    const r = hyper.result.result;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${gateway.url}/#/sweeps/hyper`);
    const card = page.locator('[data-testid="study-card"]');
    await expect.poll(() => card.isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await card.locator('[data-testid="study-kind"]').textContent()).toBe('hyperparameters');
    const rows = card.locator('[data-testid="hyper-group"]');
    expect(await rows.evaluateAll((els) => els.map((e) => [e.getAttribute('data-n'), e.getAttribute('data-d')]))).toEqual(r.groups.map((g) => [String(g.params), String(g.data)]));
    // Width 16's groups bracket no batch optimum: their doubt is shown beside them.
    expect(await rows.nth(2).textContent()).toContain('no batch optimum');
    // One law line per token count D.
    expect(await card.locator('[data-testid="hyper-lr-vs-n"] path.series').count()).toBe(2);
    const lr = r.learningRate!;
    expect(await card.locator('[data-testid="hyper-lr-law"]').textContent()).toBe(
      `η*(N, D) = ${Number(lr.coefficient.value.toPrecision(3))} [${Number(lr.coefficient.lo.toPrecision(3))}, ${Number(lr.coefficient.hi.toPrecision(3))}] · N^${Number(lr.exponents.N.value.toPrecision(3))} [${Number(lr.exponents.N.lo.toPrecision(3))}, ${Number(lr.exponents.N.hi.toPrecision(3))}] · D^${Number(lr.exponents.D.value.toPrecision(3))} [${Number(lr.exponents.D.lo.toPrecision(3))}, ${Number(lr.exponents.D.hi.toPrecision(3))}] (Step Law: 1.79·N^−0.713·D^0.307)`,
    );
    expect(lr.exponents.N.value).toBeCloseTo(-1.28, 2);
    expect(await card.locator('[data-testid="hyper-batch-law"]').textContent()).toBe('B*(D): not fitted');
    // The (N, D) table, like every table, offers its rows as CSV.
    await expect.poll(() => card.locator('.table-download:has([data-testid="hyper-groups"]) > .downloads button[data-download="csv"]').count()).toBe(1);
    expect(errors).toEqual([]);
    await page.screenshot({ fullPage: true, path: join(outputDir, 'study-hyperparameters.png') });
    await page.setViewportSize({ width: 800, height: 900 });
    expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
    await page.close();
  }, 60_000);

  it('overtraining: loss against compute with L(C, M) per M, error against loss with Err(L), the held-out prediction beside the measurement', async () => {
    if (over.result?.kind !== 'overtraining') throw new Error(`expected an overtraining answer, got ${JSON.stringify(over)}`);
    const p = over.result.result.predictions[0];
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${gateway.url}/#/sweeps/over`);
    const card = page.locator('[data-testid="study-card"]');
    await expect.poll(() => card.isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await card.locator('[data-testid="study-kind"]').textContent()).toBe('overtraining');
    // 8 fitted runs at 8 distinct M: one dashed law line per M; one Err(L) line.
    expect(await card.locator('[data-testid="over-loss-vs-c"] path.series').count()).toBe(8);
    expect(await card.locator('[data-testid="over-err-vs-l"] path.series').count()).toBe(1);
    const cells = (await card.locator('[data-testid="over-prediction"] td').allTextContents()).map((t) => t.trim());
    expect(cells.slice(0, 3)).toEqual(['28.3k', '2.36M', '83.3']);
    expect(cells[4]).toBe(String(Number(p.loss.actual!.toPrecision(4))));
    expect(cells[5]).toBe(`${(p.loss.relError! * 100).toFixed(2)}%`);
    expect(await card.locator('[data-testid="over-law"]').count()).toBe(2);
    expect(errors).toEqual([]);
    await page.screenshot({ fullPage: true, path: join(outputDir, 'study-overtraining.png') });
    await page.setViewportSize({ width: 800, height: 900 });
    expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
    await page.close();
  }, 60_000);

  it('repetition: R_D* bounded from below, the effective-data curve with its band, each repeated run against fresh data, the notes', async () => {
    if (rep.result?.kind !== 'repetition') throw new Error(`expected a repetition answer, got ${JSON.stringify(rep)}`);
    const r = rep.result.result;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${gateway.url}/#/sweeps/rep`);
    const card = page.locator('[data-testid="study-card"]');
    await expect.poll(() => card.isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await card.locator('[data-testid="study-kind"]').textContent()).toBe('repetition');
    // The runs trained here repeat at no measurable cost: R_D* has a lower bound only.
    expect(r.rdStar.unbounded).toBe(true);
    expect(await card.locator('[data-testid="repetition-answer"]').textContent()).toMatch(new RegExp(`^R_D\\* ≥ ${Number(r.rdStar.lo.toPrecision(3))} \\(95%\\); no upper bound`));
    expect(await card.locator('[data-testid="repetition-almost"]').textContent()).toBe(String(r.almostAsGoodMeasured));
    expect(await card.locator('[data-testid="repetition-curve"] path.series').count()).toBe(1);
    // One marker per repeated run (16 of the 30 repeat their pool), coloured by N.
    expect(await card.locator('[data-testid="repetition-gaps"] .repeated-run').count()).toBe(r.runs.filter((x) => x.epochs > 1).length);
    expect(await card.locator('[data-testid="repetition-notes"] li').allTextContents()).toEqual(r.notes);
    expect(errors).toEqual([]);
    await page.screenshot({ fullPage: true, path: join(outputDir, 'study-repetition.png') });
    await page.setViewportSize({ width: 800, height: 900 });
    expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
    await page.close();
  }, 60_000);
});
