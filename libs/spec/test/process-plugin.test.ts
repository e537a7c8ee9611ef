// The process plugin's options (bring your own trainer) are checked at validation time, with
// positions; keys the plugin does not own go to the program unchecked.
import { describe, expect, it } from 'vitest';
import { checkProcessOptions, parseSpec } from '../src/index';

const spec = (options: string, dims = '') => `name: byo
task:
  dataset: fashion-mnist
  model: mlp
  plugin: process
  options: ${options}
dimensions:
  width: { values: [16] }
  data: { values: [1000] }${dims}
`;

describe('process plugin options', () => {
  it('accepts a command with the program\'s own settings and any dimension', () => {
    const r = parseSpec(spec('{ command: [python, train.py], env: { PYTHONPATH: sdk }, batchSize: 32, evalSize: 500 }', '\n  seed: { values: [1, 2] }\n  curation.keep: { values: [0.5] }'));
    expect(r.ok ? r.spec.task.options : r.issues).toEqual({ command: ['python', 'train.py'], env: { PYTHONPATH: 'sdk' }, batchSize: 32, evalSize: 500 });
  });

  it('reports every mistake with its path and position', () => {
    const r = parseSpec(spec('{ command: ["", 3], cwd: "", env: { BAD-NAME: x }, progressTimeoutSeconds: 0, graceSecond: 1 }'));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'task.options.command[0]: expected a non-empty string (the program), got ""',
      'task.options.command[1]: expected a string, got 3',
      'task.options.cwd: expected a directory path, got ""',
      'task.options.env.BAD-NAME: expected a variable name of letters, digits and underscores',
      'task.options.progressTimeoutSeconds: expected a number of seconds > 0, got 0',
      'task.options.graceSecond: unknown key, did you mean "graceSeconds"? (keys other than command, cwd, env, timeoutSeconds, progressTimeoutSeconds, graceSeconds go to the program)',
    ]);
    expect(!r.ok && r.issues[0]).toMatchObject({ line: 6, col: 24 });
  });

  it('needs a command', () => {
    const r = parseSpec(spec('{ batchSize: 32 }'));
    expect(!r.ok && r.issues.map((i) => `${i.path}: ${i.message}`)).toEqual(['task.options.command: expected a non-empty list: the program and its arguments, e.g. [python, train.py], got nothing']);
    expect(checkProcessOptions(undefined)).toEqual({ ok: false, issues: [{ path: ['task', 'options'], message: 'expected a mapping with at least a command (e.g. { command: [python, train.py] }), got nothing' }] });
  });

  it('normalises defaults and separates the program\'s settings', () => {
    expect(checkProcessOptions({ command: ['./train'], env: { A: 1 }, timeoutSeconds: 60, batchSize: 32 })).toEqual({
      ok: true,
      options: { command: ['./train'], env: { A: '1' }, timeoutSeconds: 60, progressTimeoutSeconds: 600, graceSeconds: 10, trainer: { batchSize: 32 } },
    });
  });
});
