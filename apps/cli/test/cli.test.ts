// The slab command as a user runs it: a real process, its output and its exit code.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/program';

// bin/slab.js, as users run it: the built CLI while it is current, else the sources through tsx.
const bin = fileURLToPath(new URL('../bin/slab.js', import.meta.url));
const examples = fileURLToPath(new URL('../../../examples/', import.meta.url));
const slab = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, SLAB_STATE_DIR: '/nonexistent-slab-state' } });

describe('slab', () => {
  it('reports each of a spec’s three mistakes on its own line and exits non-zero', { timeout: 30_000 }, () => {
    const r = slab('validate', `${examples}invalid/three-mistakes.yaml`);
    expect(r.status).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => /^(dimensions|paralelism|planner)/.test(l));
    expect(lines).toEqual([
      'dimensions.width.values[2]: expected a positive integer, got "abc" (line 9, col 29)',
      'paralelism: unknown key, did you mean "parallelism"? (line 11, col 1)',
      'planner.kind: expected one of grid, random, sobol, adaptive, got "gird" (did you mean "grid"?) (line 13, col 9)',
    ]);
  });

  it('accepts every example spec', { timeout: 60_000 }, () => {
    for (const name of ['quickstart', 'adaptive-fashion-mnist', 'replay-chinchilla', 'curation-keep', 'curation-pools', 'grid-data-scaling', 'study-lr-sensitivity', 'study-lr-annealing']) {
      const r = slab('validate', `${examples}${name}.yaml`);
      expect(r.status, `${name}: ${r.stderr}`).toBe(0);
    }
  });

  it('has --help on every command', () => {
    const names = buildProgram().commands.map((c) => c.name());
    expect(names).toEqual(expect.arrayContaining(['up', 'serve', 'run', 'submit', 'ls', 'status', 'watch', 'pause', 'resume', 'cancel', 'export', 'worker', 'fit', 'predict', 'validate']));
    for (const name of names) {
      const help = buildProgram().commands.find((c) => c.name() === name)!.helpInformation();
      expect(help, name).toContain(`Usage: slab ${name}`);
      expect(help.length, name).toBeGreaterThan(40);
    }
  });

  it('says how to start the stack when no gateway answers', { timeout: 30_000 }, () => {
    const r = slab('ls', '--gateway', 'http://127.0.0.1:9');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('cannot reach the gateway');
    expect(r.stderr).toContain('start one with `npx slab up`');
  });
});
