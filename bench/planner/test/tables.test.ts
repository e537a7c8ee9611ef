import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dropHighest, loadRunTable } from '@slab/worker-replay';
import { split, tableDimensions } from '../bench';
import { bestPerND, loadTable, parseTable, tableDef, type TableDef } from '../tables';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const def = (over: Partial<TableDef> = {}): TableDef => ({
  name: 't', label: 't', path: 'x.csv', columns: { N: 'N', D: 'D', loss: 'loss' }, dropHighest: 0, bestPerND: true, dimensions: 'table', ...over,
});

describe('parseTable', () => {
  it('keeps the best loss per (N, D) at its first position', () => {
    const csv = 'loss,N,D,peak_lr\n3.0,10,100,1e-3\n2.0,20,100,1e-3\n2.5,10,100,4e-3\n3.5,10,100,8e-3\n';
    expect(parseTable(csv, def())).toEqual([
      { N: 10, D: 100, loss: 2.5 },
      { N: 20, D: 100, loss: 2.0 },
    ]);
    expect(parseTable(csv, def({ bestPerND: false }))).toHaveLength(4);
  });

  it('derives D = C / (6N) when mapped to a compute column', () => {
    expect(parseTable('Model Size,Training FLOP,loss\n10,6000,2\n', def({ columns: { N: 'model size', C: 'training flop', loss: 'loss' } }))).toEqual([{ N: 10, D: 100, loss: 2 }]);
  });

  it('names a missing column and a bad cell', () => {
    expect(() => parseTable('loss,N\n1,2\n', def())).toThrow(/columns\.D: expected a column named "D"/);
    expect(() => parseTable('loss,N,D\n1,abc,3\n', def())).toThrow(/row 2: n: expected a positive number, got "abc"/);
    expect(() => tableDef('nope')).toThrow(/--table: expected one of chinchilla, misfitting/);
  });

  it('bestPerND does not merge runs differing in D', () => {
    expect(bestPerND([{ N: 1, D: 2, loss: 3 }, { N: 1, D: 3, loss: 1 }])).toHaveLength(2);
  });
});

describe('shared tables', () => {
  it('the Chinchilla mapping gives exactly the runs the bench always used', () => {
    const old = dropHighest(loadRunTable(join(root, 'data/chinchilla/svg_extracted_data.csv')), 5);
    expect(loadTable(tableDef('chinchilla'), root)).toEqual(old);
  });

  it('the misfitting table: 81 best-LR runs of 261, 8 targets, the space spans every run', () => {
    const runs = loadTable(tableDef('misfitting'), root);
    expect(runs).toHaveLength(81);
    const s = split(runs);
    expect([s.pool.length, s.held.length]).toEqual([73, 8]);
    const minHeld = Math.min(...s.held.map((r) => 6 * r.N * r.D));
    expect(s.pool.every((r) => 6 * r.N * r.D <= minHeld)).toBe(true);
    const dims = tableDimensions(runs);
    expect(dims.params).toMatchObject({ min: 57234240, max: 1182757632, scale: 'log' });
    expect(dims.data).toMatchObject({ min: 104857600, max: 20971520000 });
  });
});
