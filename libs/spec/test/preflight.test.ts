/**
 * Everything knowable before a trial runs is refused at validation: the law and its variables, the
 * target, plugin options (per the plugin's declared schema), dimensions a plugin cannot honour, and
 * fit outputs too big to store. Cases from specs that used to validate and then fail late.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssues, parseSpec, type PluginSchema } from '../src/index';

const read = (p: string) => readFileSync(join(__dirname, p), 'utf8');
const messages = (text: string, plugins?: Record<string, PluginSchema>) => {
  const r = parseSpec(text, plugins ? { plugins } : {});
  return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`);
};
const REPLAY = `name: r
task: { dataset: chinchilla, model: transformer, plugin: replay, options: { table: data/chinchilla/svg_extracted_data.csv } }
dimensions:
  params: { values: [1143252765] }
  data: { values: [8344616805, 13470078830] }
law: { name: power-law, variables: { x: flops }, bootstrap: 0 }
`;

describe('spec cases that used to fail late', () => {
  it('a misspelt law, a target missing a variable and a misspelt option: three precise errors at once', () => {
    const text = read('../../../examples/invalid/fails-late.yaml');
    const r = parseSpec(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(formatIssues(r.issues)).toBe(read('../../../examples/invalid/fails-late.expected.txt').trim());
    expect(r.issues.map((i) => i.path)).toEqual(['task.options.stpes', 'law.name', 'target.at']);
  });

  it('replay-options.yaml: a quoted number and a misspelt key are named', () => {
    expect(messages(read('cases/replay-options.yaml'))).toEqual([
      'task.options.noise: expected a number in [0, 1], got the string "5e-2" (write it without quotes: 5e-2)',
      'task.options.stpes: unknown key, did you mean "steps"? (an option of the replay plugin)',
    ]);
    // Corrected, it validates: the seed dimension is honoured through the noise.
    const fixed = read('cases/replay-options.yaml').replace('noise: "5e-2"', 'noise: 5e-2').replace('stpes:', 'steps:');
    expect(messages(fixed)).toEqual([]);
  });

  it('yaml-merge-keys.yaml and big-bootstrap.yaml validate', () => {
    expect(messages(read('cases/yaml-merge-keys.yaml'))).toEqual([]);
    expect(messages(read('cases/big-bootstrap.yaml'))).toEqual([]);
  });
});

describe('law and target against the law catalogue', () => {
  it('unknown law names get a did-you-mean; unrelated names list the catalogue', () => {
    expect(messages(REPLAY.replace('name: power-law,', 'name: powr-law,'))[0]).toMatch(/^law\.name: unknown law "powr-law", did you mean "power-law"\?/);
    expect(messages(REPLAY.replace('name: power-law,', 'name: zipf,'))[0]).toMatch(/^law\.name: unknown law "zipf" \(known: power-law, .*chinchilla/);
  });

  it('the mapping must give the law exactly its variables', () => {
    expect(messages(REPLAY.replace('variables: { x: flops }', 'variables: { N: params }'))).toEqual([
      'law.variables: law power-law needs x, got no mapping for x (e.g. { x: … })',
      'law.variables.N: not a variable of law power-law: expected x',
    ]);
    // No mapping: the default { x: params } cannot feed a three-variable law.
    expect(messages(REPLAY.replace('name: power-law, variables: { x: flops },', 'name: data-constrained,'))).toEqual([
      'law.variables: law data-constrained needs N, D, U; the default mapping {"x":"params"} does not give N, D, U: write law.variables, e.g. { N: …, D: …, U: … }',
    ]);
  });

  it('a target must give every variable of the law', () => {
    const spec = REPLAY.replace('name: power-law, variables: { x: flops }', 'name: chinchilla, variables: { N: params, D: data }') + 'target: { kind: loss, at: { D: 1e11 } }\n';
    expect(messages(spec)).toEqual(['target.at: missing N: law chinchilla predicts from N, D']);
  });

  it('a bootstrap whose samples could not be stored is refused with the largest that fits', () => {
    const big = REPLAY.replace('name: power-law, variables: { x: flops }, bootstrap: 0', 'name: chinchilla, variables: { N: params, D: data }, bootstrap: 50000');
    expect(messages(big)).toEqual([
      'law.bootstrap: expected at most 40000 resamples: 50000 × 1 group(s) × 5 parameters of chinchilla = 250000 numbers, more than one stored fit report holds (200000)',
    ]);
  });
});

describe('plugin option schemas', () => {
  it('dimensions the replay plugin cannot honour are refused', () => {
    const spec = REPLAY.replace('  data:', '  learningRate: { values: [1e-3, 2e-3] }\n  data:');
    expect(messages(spec)).toEqual([
      'dimensions.learningRate: the replay plugin cannot honour this dimension (it answers from measured runs selected by params and data; seed re-draws its noise); it sweeps params, data, seed',
    ]);
  });

  it('a replay seed dimension needs noise to mean anything', () => {
    const spec = REPLAY.replace('  data:', '  seed: { values: [1, 2] }\n  data:');
    expect(messages(spec)[0]).toMatch(/^dimensions\.seed: the replay plugin varies only its noise by seed, and task\.options\.noise is 0/);
    expect(messages(spec.replace('svg_extracted_data.csv }', 'svg_extracted_data.csv, noise: 0.05 }'))).toEqual([]);
  });

  it('types, ranges and enumerations of options', () => {
    const spec = REPLAY.replace('svg_extracted_data.csv }', 'svg_extracted_data.csv, steps: 2.5, dropHighest: -1, match: nearst }');
    expect(messages(spec)).toEqual([
      'task.options.steps: expected an integer ≥ 1, got 2.5',
      'task.options.dropHighest: expected an integer ≥ 0, got -1',
      'task.options.match: expected one of nearest, exact, got "nearst" (did you mean "nearest"?)',
    ]);
  });

  it('a misspelt plugin name is a typo; an unknown one is left to the workers that host it', () => {
    expect(messages(REPLAY.replace('plugin: replay', 'plugin: replya'))).toEqual(['task.plugin: unknown plugin "replya", did you mean "replay"?']);
    expect(messages(REPLAY.replace('plugin: replay', 'plugin: custom-trainer'))).toEqual([]);
  });

  it('callers add a plugin by its schema alone', () => {
    const echo: PluginSchema = { name: 'echo', options: { delay: { type: 'number', min: 0, doc: 'seconds' } }, dimensions: ['params', 'data'] };
    const spec = REPLAY.replace('plugin: replay, options: { table: data/chinchilla/svg_extracted_data.csv }', 'plugin: echo, options: { delay: "1", dealy: 2 }');
    expect(messages(spec, { echo })).toEqual([
      'task.options.delay: expected a number ≥ 0, got the string "1" (write it without quotes: 1)',
      'task.options.dealy: unknown key, did you mean "delay"? (an option of the echo plugin)',
    ]);
  });
});
