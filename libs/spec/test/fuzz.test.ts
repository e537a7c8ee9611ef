// Property-based tests of the spec parser and validator: whatever text or structure arrives, the
// answer is a spec or a list of issues, each naming a path and saying what was expected — never a throw.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseSpec, validateSpec, type SpecIssue } from '../src/index';

const quickstart = readFileSync(new URL('../../../examples/quickstart.yaml', import.meta.url), 'utf8');

function expectWellFormed(issues: SpecIssue[]): void {
  expect(issues.length).toBeGreaterThan(0);
  for (const i of issues) {
    expect(typeof i.path).toBe('string');
    expect(i.path.length).toBeGreaterThan(0);
    expect(typeof i.message).toBe('string');
    expect(i.message.length).toBeGreaterThan(0);
  }
}

/** Any JSON-like value, nested a few levels. */
const value = fc.letrec((tie) => ({
  any: fc.oneof({ depthSize: 'small' }, fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('any'), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 12 }), tie('any'), { maxKeys: 4 })),
})).any;

// Generous limits: a few hundred parses take about a second here, more on a loaded CI machine.
describe('spec parser and validator under arbitrary input', { timeout: 60_000 }, () => {
  it('answers any text with a spec or issues that name their path', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const r = parseSpec(text);
        if (!r.ok) expectWellFormed(r.issues);
      }),
      { numRuns: 300 },
    );
  });

  it('answers a real spec with one key replaced by anything, and names a mapping replaced by a number', () => {
    const raw = parse(quickstart) as Record<string, unknown>;
    expect(parseSpec(quickstart).ok).toBe(true);
    const keys = Object.keys(raw);
    const mappings = keys.filter((k) => typeof raw[k] === 'object' && raw[k] !== null);
    expect(mappings.length).toBeGreaterThan(2);
    fc.assert(
      fc.property(fc.constantFrom(...keys), value, (key, v) => {
        const r = parseSpec(stringify({ ...raw, [key]: v }));
        if (!r.ok) expectWellFormed(r.issues);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.constantFrom(...mappings), fc.double(), (key, v) => {
        const r = parseSpec(stringify({ ...raw, [key]: v }));
        expect(r.ok).toBe(false);
        if (r.ok) return;
        expectWellFormed(r.issues);
        expect(r.issues.map((i) => i.path)).toContain(key);
      }),
      { numRuns: 100 },
    );
  });

  it('never throws on arbitrary structures handed to the validator', () => {
    fc.assert(
      fc.property(value, (v) => {
        const r = validateSpec(v);
        if (!r.ok) expectWellFormed(r.issues);
      }),
      { numRuns: 300 },
    );
  });
});
