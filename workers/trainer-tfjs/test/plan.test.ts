import { describe, expect, it } from 'vitest';
import { InvalidTrialError } from '@slab/worker-sdk';
import { createTfjsPlugin, planTrial } from '../src';
import { request } from './fakeContext';

describe('validation', () => {
  const plugin = createTfjsPlugin();
  const bad: [Parameters<typeof request>[0], RegExp][] = [
    [{ dataset: 'cifar' }, /task\.dataset: expected one of fashion-mnist, synthetic-teacher, got "cifar"/],
    [{ model: 'transformer' }, /task\.model: expected one of mlp, cnn, gpt, got "transformer"/],
    [{ config: { width: 0, data: 10 } }, /config\.width: expected a positive integer, got 0/],
    [{ config: { width: 8, data: -5 } }, /config\.data: expected a positive integer, got -5/],
    [{ config: { width: 8, data: 10, learningRate: 0 } }, /config\.learningRate: expected a positive number, got 0/],
    [{ config: { width: undefined, data: 10 } }, /config\.width: expected a positive integer \(or config\.params\)/],
    [{ options: { batchSize: 1.5 } }, /task\.options\.batchSize: expected a positive integer, got 1\.5/],
    [{ options: { evalSize: 20000 } }, /task\.options\.evalSize: expected at most 10000, got 20000/],
    [{ options: { poolSize: 70000 } }, /task\.options\.poolSize: expected at most 60000/],
    [{ logEvery: 0 }, /logEvery: expected a positive integer, got 0/],
    [{ config: { width: 8, data: 10, 'curation.strategy': 'el2n' } }, /config\.curation\.strategy: expected one of full, random, .*el2n-keep-hard, .*got "el2n"/],
    [{ config: { width: 8, data: 10, 'curation.keep': 1.5 } }, /config\.curation\.keep: expected a fraction in \(0, 1\], got 1\.5/],
    [{ config: { width: 8, data: 10, 'curation.keep': 0 } }, /config\.curation\.keep: expected a fraction in \(0, 1\], got 0/],
    [{ config: { width: 8, data: 10, 'curation.epochs': -1 } }, /config\.curation\.epochs: expected a positive number of passes, got -1/],
    [{ config: { width: 8, data: 10, 'curation.epochs': 2 }, options: { poolSize: 100 } }, /config\.curation\.epochs: expected no task\.options\.poolSize/],
    [{ config: { width: 8, data: 10, 'curation.keep': 0.5 }, options: { scorer: [1] } }, /task\.options\.scorer: expected a mapping/],
    [{ config: { width: 8, data: 10, 'curation.keep': 0.5 }, options: { scorer: { seeds: null } } }, /task\.options\.scorer\.seeds: expected a number, string or boolean, got null/],
  ];
  it.each(bad)('rejects %j', (over, msg) => {
    expect(() => plugin.validate?.(request(over))).toThrow(InvalidTrialError);
    expect(() => plugin.validate?.(request(over))).toThrow(msg);
  });

  it('resolves defaults and derives steps', () => {
    const p = planTrial(request({ config: { width: 16, data: 1000 }, options: { batchSize: undefined } }));
    expect(p.batchSize).toBe(128);
    expect(p.steps).toBe(8);
    expect(p.learningRate).toBe(1e-3);
    expect(p.params).toBe(784 * 16 + 16 + 16 * 16 + 16 + 160 + 10);
  });

  it('resolves curation: candidate pool = data / (keep · epochs), capped at the split, or poolSize', () => {
    const plan = (config: Record<string, unknown>, options: Record<string, unknown> = {}) =>
      planTrial(request({ config: { width: 8, data: 1000, ...config }, options })).curation;
    expect(plan({})).toBeUndefined();
    expect(plan({ 'curation.keep': 0.25 })).toEqual({ strategy: 'random', keep: 0.25, candidates: 4000, scorer: {} });
    expect(plan({ 'curation.strategy': 'el2n-keep-hard', 'curation.keep': 0.25, 'curation.epochs': 2 })).toMatchObject({ candidates: 2000, epochs: 2 });
    expect(plan({ 'curation.strategy': 'full' })).toMatchObject({ strategy: 'full', keep: 1, candidates: 1000 });
    expect(plan({ 'curation.keep': 0.01, data: 5000 })?.candidates).toBe(60_000);
    expect(plan({ 'curation.keep': 0.5 }, { poolSize: 3000, scorer: { seeds: 1 } })).toMatchObject({ candidates: 3000, scorer: { seeds: 1 } });
  });

  it('derives width from a parameter target', () => {
    const p = planTrial(request({ config: { width: undefined, params: 784 * 32 + 32 + 32 * 32 + 32 + 320 + 10, data: 100 } }));
    expect(p.model.width).toBe(32);
  });
});
