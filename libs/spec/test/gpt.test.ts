/** Validation of `task.model: gpt` specs: every GPT dimension and option, before anything runs. */
import { describe, expect, it } from 'vitest';
import { enumerateGrid, formatIssues, parseSpec, type SweepSpec } from '../src/index';

const GPT = `name: lm
task:
  dataset: sotu
  model: gpt
  plugin: tfjs
  options: { context: 64, evalSets: [austen], evalSize: 32 }
dimensions:
  width: { values: [32, 64] }
  depth: { values: [2] }
  heads: { values: [2, 4] }
  data: { values: [65536] }
  learningRate: { values: [0.003] }
  batchSize: { values: [16] }
  schedule: { values: [cosine, wsd] }
  warmup: { values: [0.1] }
  weightDecay: { values: [0.1] }
  uniqueData: { values: [32768] }
  qkNorm: { values: [true, false] }
  zLoss: { values: [0.0001] }
  parametrisation: { values: [standard] }
`;

const ok = (text: string): SweepSpec => {
  const r = parseSpec(text);
  if (!r.ok) throw new Error(formatIssues(r.issues));
  return r.spec;
};
const messages = (text: string): string[] => {
  const r = parseSpec(text);
  if (r.ok) throw new Error('expected issues');
  return r.issues.map((i) => `${i.path}: ${i.message}`);
};

describe('gpt specs', () => {
  it('accept every GPT dimension and enumerate them in the grid', () => {
    const spec = ok(GPT);
    const grid = enumerateGrid(spec);
    expect(grid).toHaveLength(2 * 2 * 2 * 2);
    expect(grid[0]).toMatchObject({ width: 32, heads: 2, schedule: 'cosine', qkNorm: true, parametrisation: 'standard', uniqueData: 32768 });
  });

  it('report wrong types and ranges of each dimension with their paths', () => {
    const bad = GPT.replace('depth: { values: [2] }', 'depth: { values: [0] }')
      .replace('schedule: { values: [cosine, wsd] }', 'schedule: { values: [cosin] }')
      .replace('warmup: { values: [0.1] }', 'warmup: { values: [2.5] }')
      .replace('qkNorm: { values: [true, false] }', 'qkNorm: { values: [yes-please] }')
      .replace('zLoss: { values: [0.0001] }', 'zLoss: { values: [-1] }')
      .replace('parametrisation: { values: [standard] }', 'parametrisation: { values: [mu-p] }');
    const m = messages(bad);
    expect(m).toContain('dimensions.depth.values[0]: expected a positive integer, got 0');
    expect(m).toContain('dimensions.schedule.values[0]: expected one of constant, cosine, linear, wsd, got "cosin" (did you mean "cosine"?)');
    expect(m.filter((x) => x.startsWith('dimensions.schedule'))).toHaveLength(1);
    expect(m).toContain('dimensions.warmup.values[0]: expected a fraction of the steps in [0, 1) or a whole number of steps, got 2.5');
    expect(m).toContain('dimensions.qkNorm.values[0]: expected a boolean, got "yes-please"');
    expect(m).toContain('dimensions.zLoss.values[0]: expected a non-negative number, got -1');
    expect(m).toContain('dimensions.parametrisation.values[0]: expected one of standard, mup, got "mu-p" (did you mean "mup"?)');
  });

  it('require heads to divide every width', () => {
    const m = messages(GPT.replace('heads: { values: [2, 4] }', 'heads: { values: [2, 3, 5] }').replace('width: { values: [32, 64] }', 'width: { values: [30, 64] }'));
    expect(m).toEqual([
      'dimensions.heads.values[1]: expected a divisor of every width, got 3 (does not divide 64)',
      'dimensions.heads.values[2]: expected a divisor of every width, got 5 (does not divide 64)',
    ]);
    const noHeads = messages(GPT.replace('  heads: { values: [2, 4] }\n', '').replace('width: { values: [32, 64] }', 'width: { values: [32, 66] }'));
    expect(noHeads).toEqual(['dimensions.width.values[1]: expected a multiple of 4 (the default heads; set dimensions.heads otherwise), got 66']);
  });

  it('check task.options: unknown keys with did-you-mean, types, corpus names', () => {
    const m = messages(GPT.replace('options: { context: 64, evalSets: [austen], evalSize: 32 }', 'options: { contxt: 64, evalSets: [austin], evalSize: 0, tieEmbeddings: yes }'));
    expect(m).toContain('task.options.contxt: unknown gpt option, did you mean "context"?');
    expect(m).toContain('task.options.evalSets[0]: expected one of sotu, austen, brown, got "austin" (did you mean "austen"?)');
    expect(m).toContain('task.options.evalSize: expected a positive integer, got 0');
    expect(m).toContain('task.options.tieEmbeddings: expected a boolean, got "yes"');
    expect(messages(GPT.replace('dataset: sotu', 'dataset: fashion-mnist'))).toEqual([
      'task.dataset: expected a text corpus for gpt (sotu, austen, brown), got "fashion-mnist"',
    ]);
  });

  it('reject μP with tied embeddings, params instead of width, and GPT dimensions on other models', () => {
    const mup = GPT.replace('parametrisation: { values: [standard] }', 'parametrisation: { values: [standard, mup] }').replace('evalSize: 32 }', 'evalSize: 32, tieEmbeddings: true }');
    expect(messages(mup)).toEqual([
      'task.options.tieEmbeddings: expected false (or unset) when parametrisation mup is swept: μP scales the readout apart from the embedding, got true',
    ]);
    expect(messages(GPT.replace('width: { values: [32, 64] }', 'params: { values: [100000] }'))).toContain(
      'dimensions.params: expected width for task.model gpt (N follows from width, depth and context), got params',
    );
    const mlp = `name: m
task: { dataset: fashion-mnist, model: mlp, plugin: tfjs }
dimensions:
  width: { values: [16] }
  data: { values: [1000] }
  depth: { values: [2] }
`;
    expect(messages(mlp).map((m) => m.split(':')[0])).toEqual(['dimensions.depth']);
  });
});

describe('law.metrics', () => {
  it('lists metrics fitted side by side; law.metric defaults to the first and must be one of them', () => {
    const spec = ok(`${GPT}law: { name: chinchilla, metrics: [eval_loss, eval_loss_austen] }\n`);
    expect(spec.law.metrics).toEqual(['eval_loss', 'eval_loss_austen']);
    expect(spec.law.metric).toBe('eval_loss');
    expect(messages(`${GPT}law: { name: chinchilla, metric: eval_loss_brown, metrics: [eval_loss, eval_loss, 3] }\n`)).toEqual(
      expect.arrayContaining(['law.metrics[1]: duplicate metric "eval_loss"', 'law.metrics[2]: expected a name of letters, digits, ".", "_" or "-", got 3']),
    );
    expect(messages(`${GPT}law: { name: chinchilla, metric: eval_loss_brown, metrics: [eval_loss, eval_loss_austen] }\n`)).toContain(
      'law.metric: expected one of law.metrics (eval_loss, eval_loss_austen), got "eval_loss_brown"',
    );
  });
});
