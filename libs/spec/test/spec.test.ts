import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { enumerateGrid, formatIssues, normalizePools, parseSpec, trialId, validateSpec, type SweepSpec } from '../src/index';

const examples = join(__dirname, '../../../examples');
const read = (f: string) => readFileSync(join(examples, f), 'utf8');
const ok = (text: string): SweepSpec => {
  const r = parseSpec(text);
  if (!r.ok) throw new Error(formatIssues(r.issues));
  return r.spec;
};
const issuesOf = (text: string) => {
  const r = parseSpec(text);
  if (r.ok) throw new Error('expected issues');
  return r.issues;
};
const MINIMAL = `name: m
task: { dataset: fashion-mnist, model: mlp, plugin: tfjs }
dimensions:
  width: { values: [16, 32] }
  data: { values: [1000, 2000, 4000] }
`;

describe('examples', () => {
  const files = readdirSync(examples).filter((f) => f.endsWith('.yaml'));
  it('has the quick start and at least one more example', () => {
    expect(files).toContain('quickstart.yaml');
    expect(files.length).toBeGreaterThanOrEqual(2);
  });
  it.each(files)('%s parses', (f) => {
    expect(ok(read(f)).name).toMatch(/\S/);
  });
  it('quickstart has at least 8 grid trials over width × data', () => {
    const spec = ok(read('quickstart.yaml'));
    expect(spec.task.plugin).toBe('tfjs');
    expect(enumerateGrid(spec).length).toBeGreaterThanOrEqual(8);
  });
  it('the invalid example yields exactly its three mistakes', () => {
    const issues = issuesOf(read('invalid/three-mistakes.yaml'));
    expect(formatIssues(issues)).toBe(read('invalid/three-mistakes.expected.txt').trim());
    expect(issues.map((i) => i.path)).toEqual(['dimensions.width.values[2]', 'paralelism', 'planner.kind']);
  });
});

describe('defaults', () => {
  it('fills every documented default', () => {
    const spec = ok(MINIMAL);
    expect(spec.parallelism).toBe(1);
    expect(spec.resourceClass).toBe('cpu');
    expect(spec.planner).toEqual({ kind: 'grid', batchSize: 1, seed: 0 });
    expect(spec.law).toEqual({ name: 'power-law-plus-constant', metric: 'eval_loss', bootstrap: 200 });
    expect(spec.trial).toEqual({ logEvery: 10, evalEvery: 100, checkpointEvery: 50, timeoutSeconds: 1800, heartbeatSeconds: 30, maxAttempts: 3 });
    expect(spec.budget).toEqual({});
  });
  it('batchSize defaults to parallelism', () => {
    expect(ok(MINIMAL + 'parallelism: 3\n').planner.batchSize).toBe(3);
  });
  it('range dimensions default to log scale, integer for sizes', () => {
    const spec = ok(MINIMAL.replace('{ values: [16, 32] }', '{ min: 8, max: 64 }') + 'planner: { kind: random }\nbudget: { trials: 4 }\n');
    expect(spec.dimensions.width).toEqual({ min: 8, max: 64, scale: 'log', integer: true });
  });
});

describe('issues', () => {
  it('reports every mistake with its path, not just the first', () => {
    const issues = issuesOf(`name: ""
task: { dataset: fashion-mnist, model: mlp }
dimensions:
  width: { values: [16, -2, 3.5] }
  data: { min: 4000, max: 100 }
budget: { flops: -1 }
planner: { kind: adaptive, batchSize: 0 }
law: { variables: { N: parms } }
holdout: { largest: 1.5 }
trial: { logevery: 3 }
`);
    expect(issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'name: expected a non-empty string, got ""',
      'task.plugin: expected a name of letters, digits, ".", "_" or "-", got nothing',
      'dimensions.width.values[1]: expected a positive integer, got -2',
      'dimensions.width.values[2]: expected a positive integer, got 3.5',
      'dimensions.data.max: expected a number ≥ min (4000), got 100',
      'budget.flops: expected a positive number, got -1',
      'planner.batchSize: expected a positive integer, got 0',
      'law.variables: law power-law-plus-constant needs x, got no mapping for x (e.g. { x: … })',
      'law.variables.N: expected one of params, data, flops, width, learningRate, curation.keep, curation.epochs, depth, heads, batchSize, uniqueData, warmup, weightDecay, zLoss or final.<metric>, got "parms" (did you mean "params"?)',
      'law.variables.N: not a variable of law power-law-plus-constant: expected x',
      'holdout.largest: expected a fraction in (0, 1) or a whole count ≥ 1, got 1.5',
      'trial.logevery: unknown key, did you mean "logEvery"?',
    ]);
    expect(issues[2].line).toBe(4);
  });
  it('curation dimensions: keep is a fraction in (0, 1], strategies are well-formed names', () => {
    const issues = issuesOf(MINIMAL + `  curation.keep: { values: [0.5, 0, 1.5, 1] }
  curation.strategy: { values: [random, "El2N keep", el2n-keep-hard] }
`);
    expect(issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'dimensions.curation.keep.values[1]: expected a number in (0, 1], got 0',
      'dimensions.curation.keep.values[2]: expected a number in (0, 1], got 1.5',
      'dimensions.curation.strategy.values[1]: expected a strategy name of lowercase letters, digits and "-" (e.g. random, el2n-keep-hard), got "El2N keep"',
    ]);
  });
  it('curation.pools: named pools in task.options.pools, exact paths for each mistake', () => {
    const POOLS = `name: p
task:
  dataset: fashion-mnist
  model: mlp
  plugin: tfjs
  options:
    pools:
      top10: { strategy: el2n-keep-easy, keep: 0.1 }
      mix: { tiers: [{ strategy: el2n-keep-easy, keep: 0.1 }, { strategy: full }], temperature: 2 }
      all: { strategy: full }
dimensions:
  width: { values: [16] }
  data: { values: [1000, 2000] }
  curation.pools: { values: [top10, mix, all] }
law: { name: data-filtering, variables: { n: data, S: final.curation_kept } }
`;
    const spec = ok(POOLS);
    expect(enumerateGrid(spec).map((c) => `${c.data}:${c['curation.pools']}`)).toEqual([
      '1000:top10', '1000:mix', '1000:all', '2000:top10', '2000:mix', '2000:all',
    ]);
    expect(spec.law.variables).toEqual({ n: 'data', S: 'final.curation_kept' });
    expect(normalizePools(spec.task.options!.pools)).toEqual({
      ok: true,
      pools: {
        top10: { tiers: [{ strategy: 'el2n-keep-easy', keep: 0.1 }] },
        mix: { tiers: [{ strategy: 'el2n-keep-easy', keep: 0.1 }, { strategy: 'full', keep: 1 }], temperature: 2 },
        all: { tiers: [{ strategy: 'full', keep: 1 }] },
      },
    });
    const bad = POOLS.replace('keep: 0.1 }\n', 'keep: 0 }\n')
      .replace('temperature: 2', 'temperature: -1, seed: 3')
      .replace('all: { strategy: full }', 'all: { strategy: "Full" }\n      "b@d": { strategy: full }')
      .replace('[top10, mix, all]', '[top10, mixx, all]')
      .replace('final.curation_kept', 'final.')
      .replace('  data: {', '  curation.keep: { values: [0.5] }\n  data: {');
    expect(issuesOf(bad).map((i) => `${i.path}: ${i.message}`)).toEqual([
      'task.options.pools.top10.keep: expected a number in (0, 1], got 0',
      'task.options.pools.mix.temperature: expected a positive number (1 = proportional to tier size, larger = flatter), got -1',
      'task.options.pools.mix.seed: unknown key, expected one of tiers, temperature',
      'task.options.pools.all.strategy: expected a strategy name of lowercase letters, digits and "-" (e.g. full, el2n-keep-easy), got "Full"',
      'task.options.pools.b@d: expected a pool name of letters, digits, ".", "_" or "-"',
      'dimensions.curation.pools: expected no curation.keep dimension alongside curation.pools (each pool names its own tiers), got both',
      'dimensions.curation.pools.values[1]: unknown pool "mixx", expected one of task.options.pools: top10, mix, all, b@d (did you mean "mix"?)',
      'law.variables.S: expected one of params, data, flops, width, learningRate, curation.keep, curation.epochs, depth, heads, batchSize, uniqueData, warmup, weightDecay, zLoss or final.<metric>, got "final."',
    ]);
    // The dimension without any pools defined.
    expect(issuesOf(MINIMAL + '  curation.pools: { values: [top10] }\n').map((i) => `${i.path}: ${i.message}`)).toEqual([
      'task.options.pools: expected a mapping of the pools named by dimensions.curation.pools, got nothing',
    ]);
    expect(normalizePools({ x: { tiers: [] } }, ['pools'])).toEqual({
      ok: false,
      issues: [{ path: ['pools', 'x', 'tiers'], message: 'expected a non-empty list of { strategy, keep }, got an empty list' }],
    });
  });
  it('unknown keys far from any known key list the options', () => {
    const [issue] = issuesOf(MINIMAL + 'zzz: 1\n');
    expect(issue.message).toBe(
      'unknown key, expected one of name, description, task, dimensions, budget, parallelism, resourceClass, planner, law, target, holdout, study, trial',
    );
  });
  it('turns YAML syntax errors into issues with line and column', () => {
    const issues = issuesOf('name: x\ntask: [a, b\n');
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0].path).toBe('(yaml)');
    expect(issues[0].message).toMatch(/^YAML syntax error: /);
    expect(issues[0].line).toBeGreaterThanOrEqual(2);
  });
  it('rejects duplicate keys', () => {
    expect(issuesOf(MINIMAL + 'name: again\n')[0].message).toMatch(/unique/i);
  });
  it('grid planners need explicit values', () => {
    const issues = issuesOf(MINIMAL.replace('{ values: [16, 32] }', '{ min: 8, max: 64 }'));
    expect(issues.map((i) => i.path)).toEqual(['dimensions.width']);
  });
  it('non-grid planners need a budget', () => {
    const issues = issuesOf(MINIMAL + 'planner: { kind: sobol }\n');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'budget', message: 'expected flops and/or trials (planner "sobol" needs a limit), got nothing' });
  });
  it('a model size and a data size are required, not both width and params', () => {
    const issues = issuesOf('name: x\ntask: { dataset: d, model: m, plugin: p }\ndimensions: { width: { values: [1] }, params: { values: [2] } }\n');
    expect(issues.map((i) => i.path).sort()).toEqual(['dimensions.data', 'dimensions.params']);
  });
  it('target variables must be law variables', () => {
    const issues = issuesOf(MINIMAL + 'law: { variables: { N: params } }\ntarget: { kind: loss, at: { D: 1e6 } }\n');
    expect(issues).toContainEqual(expect.objectContaining({ path: 'target.at.D', message: 'unknown law variable, expected one of N' }));
  });
  it('validateSpec works on plain objects without positions', () => {
    const r = validateSpec({ name: 'x' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.every((i) => i.line === undefined)).toBe(true);
    expect(validateSpec('nope')).toEqual({ ok: false, issues: [{ path: '(root)', message: 'expected a mapping with name, task, dimensions, ..., got "nope"' }] });
  });
});

describe('enumerateGrid and trialId', () => {
  it('enumerates the cartesian product in canonical order, last dimension fastest', () => {
    const spec = ok(MINIMAL.replace('dimensions:', 'dimensions:\n  seed: { values: [0, 1] }'));
    const grid = enumerateGrid(spec);
    expect(grid).toHaveLength(12);
    expect(grid.slice(0, 3)).toEqual([
      { width: 16, data: 1000, seed: 0 },
      { width: 16, data: 1000, seed: 1 },
      { width: 16, data: 2000, seed: 0 },
    ]);
    expect(grid[11]).toEqual({ width: 32, data: 4000, seed: 1 });
  });
  it('formats zero-padded ids and rejects bad indices', () => {
    expect(trialId('sw1', 7)).toBe('sw1-t0007');
    expect(trialId('sw1', 12345)).toBe('sw1-t12345');
    expect(() => trialId('sw1', -1)).toThrow(/index/);
  });
});

describe('adaptive planner and measured law inputs', () => {
  it('refuses a final.<metric> law variable under the adaptive planner, naming it', async () => {
    const { readFileSync } = await import('node:fs');
    const yaml = readFileSync(new URL('../../../examples/curation-pools.yaml', import.meta.url), 'utf8')
      .replace(/planner:\s*\n\s*kind: grid/, 'planner:\n  kind: adaptive')
      .replace(/kind: grid/, 'kind: adaptive');
    const r = parseSpec(yaml);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.some((i) => /^law\.variables\.\w+$/.test(i.path) && i.message.includes('measured after training'))).toBe(true);
  });
});
