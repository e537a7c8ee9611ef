import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { registerFitCommand, runFit } from '../src/commands/fit';
const DATA_DIR = fileURLToPath(new URL('../../../data/', import.meta.url));

const CSV = `${DATA_DIR}/chinchilla/svg_extracted_data.csv`;
const COLS = 'N=Model Size,C=Training FLOP,L=loss';

describe('slab fit', () => {
  it('fits the Chinchilla CSV with holdout, bootstrap and plot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slab-fit-'));
    const plot = join(dir, 'fit.svg');
    const r = await runFit(CSV, { law: 'chinchilla', columns: COLS, dropHighest: '5', holdout: 'C>1e21', bootstrap: '40', seed: '1', starts: 'small', plot, threads: '1' });
    expect(r.report.converged).toBe(true);
    expect(r.holdout!.points).toBeGreaterThan(10);
    expect(r.holdout!.meanAbsRelError).toBeLessThan(0.03);
    expect(r.frontier!.a).toBeGreaterThan(0.45);
    expect(r.text).toMatch(/converged: yes/);
    expect(r.text).toMatch(/holdout C>1e21: \d+ points, mean \|relative error\|/);
    expect(r.text).toMatch(/frontier: N\* ~ C\^a with a = 0\.5\d+ \(95% CI/);
    expect(r.text).toMatch(/outlier rule: drop the 5 highest/);
    expect(readFileSync(plot, 'utf8')).toContain('class="heldout"');
  });

  it('an export\'s heldOut column holds those runs out, as the sweep did; --holdout none fits every row', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slab-fit-'));
    const f = join(dir, 'export.csv');
    // The law the sweep would fit, y = 5·x^-0.3, with its two largest runs marked held out by the export.
    const xs = [1e3, 2e3, 4e3, 8e3, 16e3, 32e3, 64e3, 128e3];
    const rows = xs.map((x, i) => `t${i},${x},${(5 * x ** -0.3 * (1 + 0.004 * Math.sin(i * 7))).toFixed(6)},${i >= 6 ? 1 : 0}`);
    writeFileSync(f, `trialId,params,final.eval_loss,heldOut\n${rows.join('\n')}\n`);
    const r = await runFit(f, { law: 'power-law', columns: 'x=params,L=final.eval_loss' });
    expect(r.report.nPoints).toBe(6);
    expect(r.holdout).toMatchObject({ points: 2, rule: expect.stringMatching(/^heldOut=1 \(the runs the sweep held out/) });
    expect(r.holdout!.meanAbsRelError).toBeLessThan(0.02);
    expect(r.text).toMatch(/holdout heldOut=1 .*: 2 points, mean \|relative error\|/);
    const all = await runFit(f, { law: 'power-law', columns: 'x=params,L=final.eval_loss', holdout: 'none' });
    expect(all.report.nPoints).toBe(8);
    expect(all.holdout).toBeUndefined();
    // An explicit rule wins over the column.
    expect((await runFit(f, { law: 'power-law', columns: 'x=params,L=final.eval_loss', holdout: 'x>3e4' })).report.nPoints).toBe(5);
  });

  it('--json prints the report; bad columns and rows are reported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slab-fit-'));
    const f = join(dir, 'runs.csv');
    writeFileSync(f, 'x,loss\n10,3\n20,2.7\n40,2.5\n80,2.36\n160,2.27\nbad,2\n320,-1\n');
    const r = await runFit(f, { law: 'power-law-plus-constant', columns: 'x=x,L=loss', json: true });
    const j = JSON.parse(r.text);
    expect(j.report.law).toBe('power-law-plus-constant');
    expect(j.droppedRows.map((d: { line: number }) => d.line)).toEqual([7, 8]);
    await expect(runFit(f, { law: 'chinchilla', columns: 'N=params,L=loss' })).rejects.toThrow(/missing column "params" \(for N\)/);
    await expect(runFit(f, { law: 'power-law', columns: 'x=x,Q=loss' })).rejects.toThrow(/"Q" is neither a variable/);
  });

  it('registers a `fit` command on a commander program', () => {
    const p = new Command('slab');
    registerFitCommand(p);
    const cmd = p.commands.find((c) => c.name() === 'fit')!;
    expect(cmd.options.map((o) => o.long)).toEqual(expect.arrayContaining(['--law', '--columns', '--holdout', '--bootstrap', '--seed', '--json', '--plot']));
  });
});

describe('slab fit --compare', () => {
  it('fits several laws to the same runs and ranks them by held-out error', async () => {
    const { runCompare } = await import('../src/commands/compare');
    const r = await runCompare(CSV, ['kaplan', 'chinchilla'], { law: 'chinchilla', columns: COLS, dropHighest: 5, holdout: 'C>1e22' });
    expect(r.rows.map((x) => x.law)).toEqual(['chinchilla', 'kaplan']);
    expect(r.rows[0].holdoutError).toBeLessThan(r.rows[1].holdoutError!);
    expect(r.rows.every((x) => x.converged)).toBe(true);
    expect(r.text).toContain('held-out error');
  }, 120_000);

  it('refuses laws that take different variables, naming them', async () => {
    const { runCompare } = await import('../src/commands/compare');
    await expect(runCompare(CSV, ['chinchilla', 'power-law'], { law: 'chinchilla', columns: COLS })).rejects.toThrow('--compare: laws must take the same variables; chinchilla takes N,D, power-law takes x');
  });
});
