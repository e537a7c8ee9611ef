import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssues, parseSpec } from '../src/index';

const CASE = readFileSync(join(__dirname, 'cases/yaml-merge-keys.yaml'), 'utf8');

describe('YAML merge keys (<<)', () => {
  it('merges an inline mapping (the reported case)', () => {
    const r = parseSpec(CASE);
    if (!r.ok) throw new Error(formatIssues(r.issues));
    expect(r.spec.holdout).toEqual({ by: 'flops', largest: 1 });
    expect(r.spec.trial).toMatchObject({ logEvery: 10, evalEvery: 50, timeoutSeconds: 600 });
  });

  it('merges aliases and lists of aliases; own keys win, earlier sources win', () => {
    const text = CASE.replace('holdout:\n  <<: { by: flops }\n  largest: 1', `holdout:
  <<: [{ by: params, largest: 3 }, { by: data }]
  largest: 1`);
    const r = parseSpec(text);
    if (!r.ok) throw new Error(formatIssues(r.issues));
    expect(r.spec.holdout).toEqual({ by: 'params', largest: 1 });
  });

  it('a mistake inside a merged mapping is reported where it is written', () => {
    const text = `name: m
defaultsHolder: &defaults { logEvery: 10, evalEvery: -5 }
task: { dataset: fashion-mnist, model: mlp, plugin: tfjs }
dimensions:
  width: { values: [16, 32] }
  data: { values: [1000, 2000] }
trial:
  <<: *defaults
  timeoutSeconds: 60
`;
    const r = parseSpec(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toEqual([
      { path: 'defaultsHolder', message: expect.stringMatching(/^unknown key/), line: 2, col: 1 },
      // evalEvery's value sits on line 2, inside the anchored mapping, not at the `<<` on line 8.
      { path: 'trial.evalEvery', message: 'expected a positive integer, got -5', line: 2, col: 54 },
    ]);
  });

  it('an inline merged mapping points at its own value', () => {
    const text = `name: m
task: &t { dataset: fashion-mnist, model: mlp, plugin: tfjs, options: { batchSize: 32 } }
dimensions:
  width: { values: [16, 32] }
  data: { values: [1000, 2000] }
holdout: { <<: { by: flop }, largest: 1 }
`;
    const r = parseSpec(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => [i.path, i.line, i.col])).toEqual([['holdout.by', 6, 22]]);
  });
});
