/**
 * The study section of a sweep page, on real parts: study answers computed by @slab/studies from the
 * stored runs of real study sweeps (bench/studies/data: the LR-sensitivity and LR-annealing runs
 * trained on this machine), stored through the real gateway as the orchestrator stores them (inside
 * a fit report), served by GET /api/sweeps/:id/study and drawn by the built console in Debian's
 * chromium. Asserts what a user sees at 1280 and 800 px and saves a screenshot of each view.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError, type GatewayClient, type StudyAnswer } from '@slab/api';
import { answerStudy, type StudyMetric, type StudyTrial } from '@slab/studies';
import { outputDir, pageOverflow, read, startStudyStack, storeAnswer, studyOf, type StudyStack } from './studyStack';

const AT = { batch: 0, computedAt: '2026-11-30T23:58:10.000Z' };

/** The lr-annealing runs as stored: one trial per curve, its lr and eval_loss points. */
function annealingInputs(): [StudyTrial[], StudyMetric[]] {
  const curves = JSON.parse(read('bench/studies/data/annealing-curves.json')) as { schedule: string; trialId: string; width: number; lr: { step: number; value: number }[]; loss: { step: number; value: number }[] }[];
  const trials = curves.map((c) => ({ id: c.trialId, status: 'completed', config: { width: c.width, schedule: c.schedule }, final: {} }));
  const metrics = curves.flatMap((c) => [...c.lr.map((p) => ({ trialId: c.trialId, step: p.step, name: 'lr', value: p.value })), ...c.loss.map((p) => ({ trialId: c.trialId, step: p.step, name: 'eval_loss', value: p.value }))]);
  return [trials, metrics];
}

describe('console study section', () => {
  let stack: StudyStack;
  let browser: Browser;
  let gateway: StudyStack['gateway'];
  let client: GatewayClient;
  let sensitivity: StudyAnswer;
  let annealing: StudyAnswer;
  let shape: StudyAnswer;

  beforeAll(async () => {
    stack = await startStudyStack('console-study-token', {
      sens: ['study-lr-sensitivity', 'examples/study-lr-sensitivity.yaml'],
      anneal: ['study-lr-annealing', 'examples/study-lr-annealing.yaml'],
      pending: ['study-lr-annealing', 'examples/study-lr-annealing.yaml'],
      shape: ['study-model-shape', 'examples/study-model-shape.yaml'],
      plain: ['lm-quickstart', 'examples/lm-quickstart.yaml'],
    });
    ({ browser, gateway, client } = stack);
    const runs = JSON.parse(read('bench/studies/data/sensitivity-runs.json')) as { trials: StudyTrial[]; metrics: StudyMetric[] };
    sensitivity = answerStudy(studyOf('examples/study-lr-sensitivity.yaml'), runs.trials, runs.metrics, AT);
    annealing = answerStudy(studyOf('examples/study-lr-annealing.yaml'), ...annealingInputs(), { ...AT, batch: 1 });
    await storeAnswer(client, 'sens', sensitivity);
    await storeAnswer(client, 'anneal', annealing);
    const shapeRuns = JSON.parse(read('bench/studies/data/model-shape-runs.json')) as { trials: StudyTrial[]; metrics: StudyMetric[] };
    shape = answerStudy(studyOf('examples/study-model-shape.yaml'), shapeRuns.trials, shapeRuns.metrics, { ...AT, batch: 4 });
    await storeAnswer(client, 'shape', shape);
  }, 120_000);

  afterAll(async () => stack?.close());

  it('serves the newest stored answer, a pending one for a study not computed yet, and 404 without a study', async () => {
    expect(await client.study('sens')).toEqual(sensitivity);
    // A later batch's answer replaces the earlier one.
    await storeAnswer(client, 'anneal', { ...annealing, batch: 2, computedAt: '2026-11-30T23:59:00.000Z' });
    expect(await client.study('anneal')).toMatchObject({ kind: 'lr-annealing', batch: 2, trials: 8 });
    // A fit stored without an answer (a failed fit) does not hide the last answer.
    await client.addFit('anneal', { summary: { law: 'power-law', params: {}, converged: false, nPoints: 0, formula: '', skipped: 'fit failed' }, report: { skipped: 'fit failed' } });
    expect(await client.study('anneal')).toMatchObject({ kind: 'lr-annealing', batch: 2, trials: 8 });
    expect(await client.study('pending')).toEqual({ kind: 'lr-annealing', batch: null, computedAt: null, trials: 0, error: expect.stringMatching(/^not computed yet/) });
    const none = await client.study('plain').catch((e: unknown) => e);
    expect(none).toBeInstanceOf(GatewayError);
    expect((none as GatewayError).status).toBe(404);
    expect((none as Error).message).toMatch(/its spec has no study section/);
  });

  it('lr-sensitivity: loss vs LR per width, sensitivity vs width with its trend, attention logits, a row per width and variant', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${gateway.url}/#/sweeps/sens`);
    const card = page.locator('[data-testid="study-card"]');
    await expect.poll(() => card.isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await card.locator('[data-testid="study-kind"]').textContent()).toBe('lr-sensitivity');
    expect(await card.locator('[data-testid="study-stamp"]').textContent()).toMatch(/^after batch 1 · .* · 60 finished trials$/);
    // 3 widths × (no qk-layernorm, qk-layernorm) × (no z-loss, z-loss 1e-4).
    const rows = card.locator('[data-testid="sensitivity-row"]');
    expect(await rows.count()).toBe(12);
    const first = (await rows.first().locator('td').allTextContents()).map((t) => t.trim());
    expect(first.slice(0, 3)).toEqual(['no qk-layernorm', '16', '0.37']);
    // One line per width and variant in the loss and attention charts; the trend per variant.
    expect(await card.locator('[data-testid="study-loss-vs-lr"] path.series').count()).toBe(12);
    expect(await card.locator('[data-testid="study-attn-vs-lr"] path.series').count()).toBe(12);
    // Colour is the width, the line pattern the variant: four variants, four patterns.
    const patterns = await card.locator('[data-testid="study-loss-vs-lr"] path.series').evaluateAll((ps) => ps.map((p) => p.getAttribute('stroke-dasharray') ?? 'solid'));
    expect(new Set(patterns)).toEqual(new Set(['solid', '6 4', '1.5 3.5', '9 3 1.5 3']));
    expect(await card.locator('[data-testid="study-sensitivity-vs-width"] path.series').count()).toBe(8);
    expect(await card.locator('[data-testid="sensitivity-trends"] li').allTextContents()).toEqual([
      'no qk-layernorm: -0.0993 per doubling of width (slope on ln width -0.143, 95% [-0.789, 0.503], 3 widths)',
      'no qk-layernorm, z-loss 0.0001: -0.0867 per doubling of width (slope on ln width -0.125, 95% [-0.911, 0.661], 3 widths)',
      'qk-layernorm: -0.144 per doubling of width (slope on ln width -0.208, 95% [-1.17, 0.755], 3 widths)',
      'qk-layernorm, z-loss 0.0001: -0.153 per doubling of width (slope on ln width -0.22, 95% [-1.3, 0.862], 3 widths)',
    ]);
    expect(errors).toEqual([]);
    await page.screenshot({ fullPage: true, path: join(outputDir, 'study-lr-sensitivity.png') });
    await page.setViewportSize({ width: 800, height: 900 });
    expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ fullPage: true, path: join(outputDir, 'study-lr-sensitivity-800px.png') });
    await page.close();
  }, 60_000);

  it('lr-annealing: per width and held-out schedule the predicted curve against the measured one, its error and the fitted parameters', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${gateway.url}/#/sweeps/anneal`);
    const card = page.locator('[data-testid="study-card"]');
    await expect.poll(() => card.isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await card.locator('[data-testid="study-stamp"]').textContent()).toMatch(/^after batch 3 · .* · 8 finished trials$/);
    expect(await card.locator('[data-testid="annealing-width"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-width')))).toEqual(['16', '32']);
    const figs = card.locator('[data-testid="annealing-prediction"]');
    expect(await figs.evaluateAll((els) => els.map((e) => e.getAttribute('data-schedule')))).toEqual(['constant', 'cosine', 'linear', 'wsd', 'constant', 'cosine', 'linear', 'wsd']);
    // Each held-out figure: measured (solid) and predicted (dashed) curves, the error as stored.
    expect(await figs.first().locator('path.series').count()).toBe(2);
    const byWidth = annealing.result?.kind === 'lr-annealing' ? annealing.result.byWidth : [];
    const wsd16 = byWidth[0].result.predictions.find((p) => p.schedule === 'wsd')!;
    expect(await figs.nth(3).locator('[data-testid="annealing-error"]').textContent()).toBe(`${(wsd16.meanRelError * 100).toFixed(2)}%`);
    expect(await figs.nth(3).textContent()).toContain('fitted on constant, cosine, linear');
    // Parameters with intervals: L0, A, C, α for the all-schedule fit of each width.
    expect(await card.locator('[data-testid="annealing-all"]').first().locator('.param').evaluateAll((ps) => ps.map((p) => p.getAttribute('data-param')))).toEqual(Object.keys(byWidth[0].result.all!.params));
    expect(await card.locator('[data-testid="annealing-all"]').first().textContent()).toMatch(/L0 = [\d.]+ \[[\d.]+, [\d.]+\]/);
    // A parameter the data do not determine is struck through and marked, with why on hover.
    const flagged = await card.locator('[data-testid="annealing-all"] [data-undetermined="true"]').evaluateAll((ps) => ps.map((p) => [p.getAttribute('data-param'), p.getAttribute('title')]));
    const expected = byWidth.flatMap((w) => Object.entries(w.result.all!.params).filter(([, e]) => e.undetermined).map(([k, e]) => [k, `not determined by the data: ${e.undetermined}`]));
    expect(expected.length).toBeGreaterThan(0);
    expect(flagged).toEqual(expected);
    await page.screenshot({ fullPage: true, path: join(outputDir, 'study-lr-annealing.png') });
    await page.setViewportSize({ width: 800, height: 900 });
    expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ fullPage: true, path: join(outputDir, 'study-lr-annealing-800px.png') });
    await page.close();
  }, 60_000);

  it('model-shape: loss per strategy against compute, each equal-compute level with loss and time, the spread at fixed N and the verdict', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${gateway.url}/#/sweeps/shape`);
    const card = page.locator('[data-testid="study-card"]');
    await expect.poll(() => card.isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await card.locator('[data-testid="study-kind"]').textContent()).toBe('model-shape');
    if (shape.result?.kind !== 'model-shape') throw new Error(`expected a model-shape answer, got ${JSON.stringify(shape)}`);
    const r = shape.result.result;
    // One line per strategy; a row per compute multiple two strategies reach (×4: width vs depth, ×16: width vs compound).
    expect(await card.locator('[data-testid="shape-loss-vs-compute"] path.series').count()).toBe(3);
    const levels = card.locator('[data-testid="shape-level"]');
    expect(await levels.evaluateAll((rs) => rs.map((x) => x.getAttribute('data-multiple')))).toEqual(['4', '16']);
    const k4 = (await levels.first().locator('td').allTextContents()).map((t) => t.trim());
    expect(k4.slice(0, 7)).toEqual(['×4', '32×1', String(Number(r.levels[0].points.width!.loss!.toPrecision(4))), expect.stringMatching(/ s$/), '16×4', String(Number(r.levels[0].points.depth!.loss!.toPrecision(4))), expect.stringMatching(/ s$/)]);
    expect(k4.slice(-2)).toEqual([r.levels[0].bestLoss, r.levels[0].fastest]);
    // Kaplan's comparison: one row per group of equal N, the relative spread as a percentage, and the verdict in words.
    const groups = card.locator('[data-testid="shape-fixed-n"]');
    expect(await groups.count()).toBe(r.fixedN.length);
    expect(await groups.first().locator('td').nth(3).textContent()).toBe(`${(r.fixedN[0].relativeSpread! * 100).toFixed(2)}%`);
    expect(await card.locator('[data-testid="shape-verdict"]').textContent()).toBe(
      `Largest loss spread at fixed N: ${(r.kaplan.maxRelativeSpread! * 100).toFixed(2)}% over ${r.kaplan.groups} groups (tolerance 3.00%): shape ${r.kaplan.holds ? 'matters little' : 'matters'} here.`,
    );
    await page.screenshot({ fullPage: true, path: join(outputDir, 'study-model-shape.png') });
    await page.setViewportSize({ width: 800, height: 900 });
    expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ fullPage: true, path: join(outputDir, 'study-model-shape-800px.png') });
    await page.close();
  }, 60_000);

  it('says a study has no answer yet, and shows no study section for a sweep without one', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${gateway.url}/#/sweeps/pending`);
    const card = page.locator('[data-testid="study-card"]');
    await expect.poll(() => card.isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await card.locator('[data-testid="study-error"]').textContent()).toMatch(/^No answer yet: not computed yet: the orchestrator computes the study after each batch/);
    expect(await card.locator('[data-testid="study-stamp"]').textContent()).toBe('not computed yet');
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/sweeps/plain/study'));
    await page.goto(`${gateway.url}/#/sweeps/plain`);
    expect((await answered).status()).toBe(404);
    await expect.poll(() => page.locator('#head h1').textContent(), { timeout: 15_000 }).toBe('lm-quickstart');
    expect(await page.locator('[data-testid="study-card"]').isVisible()).toBe(false);
    await page.close();
  }, 60_000);
});
