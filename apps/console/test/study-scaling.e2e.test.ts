/**
 * The hyperparameters (Step Law), overtraining (Gadre et al.) and repetition (Muennighoff et al.) study views
 * on real parts: answers computed
 * by @slab/studies from the stored runs of the two sweeps trained on this machine (bench/studies/data),
 * stored through the real gateway inside a fit report, drawn by the built console in Debian's chromium.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudyAnswer } from '@slab/api';
import { answerStudy, type StudySpec, type StudyTrial } from '@slab/studies';
import { outputDir, pageOverflow, read, startStudyStack, storeAnswer, studyOf, type StudyStack } from './studyStack';

const AT = { batch: 0, computedAt: '2026-12-01T02:40:00.000Z' };

function answer(kind: 'hyperparameters' | 'overtraining' | 'repetition'): StudyAnswer {
  const { trials } = JSON.parse(read(`bench/studies/data/${kind}-runs.json`)) as { trials: StudyTrial[] };
  return answerStudy({ ...studyOf(`examples/study-${kind}.yaml`), bootstrap: 100 } as StudySpec, trials, [], AT);
}

describe('console study views: hyperparameters, overtraining and repetition', () => {
  let stack: StudyStack;
  let browser: Browser;
  let gateway: StudyStack['gateway'];
  let hyper: StudyAnswer;
  let over: StudyAnswer;
  let rep: StudyAnswer;

  beforeAll(async () => {
    stack = await startStudyStack('console-study-scaling-token', {
      hyper: ['study-hyperparameters', 'examples/study-hyperparameters.yaml'],
      over: ['study-overtraining', 'examples/study-overtraining.yaml'],
      rep: ['study-repetition', 'examples/study-repetition.yaml'],
    });
    ({ browser, gateway } = stack);
    hyper = answer('hyperparameters');
    over = answer('overtraining');
    rep = answer('repetition');
    for (const [id, a] of [['hyper', hyper], ['over', over], ['rep', rep]] as const) await storeAnswer(stack.client, id, a);
  }, 120_000);

  afterAll(async () => stack?.close());

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
