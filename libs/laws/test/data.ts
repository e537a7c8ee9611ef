/** Loaders for the published reference tables vendored in data/ at the repository root (read-only). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { annealingAreas, lrSchedule } from '../src/index';
import { completeComputeVariables, readRunsCsv } from '../src/csv';

export const DATA_DIR = fileURLToPath(new URL('../../../data', import.meta.url));

export function chinchillaData() {
  const t = readRunsCsv(readFileSync(`${DATA_DIR}/chinchilla/svg_extracted_data.csv`, 'utf8'), {
    x: { N: 'Model Size', C: 'Training FLOP' },
    y: 'loss',
  });
  return { x: completeComputeVariables(t.x), y: t.y };
}

export function bnslData() {
  const t = readRunsCsv(readFileSync(`${DATA_DIR}/bnsl/four_digit_addition.csv`, 'utf8'), {
    x: { x: 'train_dataset_size' },
    y: 'test_cross_entropy',
  });
  const split = t.raw.map((r) => r.split);
  const pick = (s: string) => ({ x: t.x.filter((_, i) => split[i] === s), y: t.y.filter((_, i) => split[i] === s) });
  return { fit: pick('fit'), extrapolate: pick('extrapolate') };
}

export function lrAnnealingData() {
  const t = readRunsCsv(readFileSync(`${DATA_DIR}/lr_annealing/example_loss_curves.csv`, 'utf8'), { x: { step: 'step' }, y: 'loss' });
  const o = { totalSteps: 20000, maxLr: 2e-4, minLr: 0, warmupSteps: 500 };
  const areas = {
    cosine: annealingAreas(lrSchedule('cosine', o)),
    constant: annealingAreas(lrSchedule('constant', o)),
  };
  const x = t.x.map((r, i) => {
    const a = areas[t.raw[i].schedule as 'cosine' | 'constant'];
    return { S1: a.S1[r.step], S2: a.S2[r.step] };
  });
  return { x, y: t.y };
}
