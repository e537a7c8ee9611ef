import { describe, expect, it } from 'vitest';
import { parseSpec } from '../src/index';
import { flowTooDeep } from '../src/parse';

/** Documents built to exhaust a parser get one clear issue, never a thrown error or a hang. */
describe('hostile YAML', () => {
  it('refuses nesting deeper than the parser can recurse, naming why', () => {
    const r = parseSpec(`name: x\ntask: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ path: '(yaml)', message: expect.stringMatching(/^YAML document refused: nested too deeply \(more than 64 levels/), line: 2, col: 71 });
  });

  it('counts only real brackets: quoted, commented and deep-but-allowed ones pass to the parser', () => {
    expect(flowTooDeep(`name: "${'['.repeat(500)}"\n# ${'{'.repeat(500)}\nnote: '${'['.repeat(500)}'\n`)).toBeUndefined();
    expect(flowTooDeep(`a: ${'['.repeat(64)}${']'.repeat(64)}`)).toBeUndefined();
    expect(flowTooDeep(`a: ${'['.repeat(65)}${']'.repeat(65)}`)).toEqual({ line: 1, col: 68 });
    expect(flowTooDeep(`a: it's [1, {b: [2]}]`)).toBeUndefined();
  });

  it('refuses an alias expansion bomb ("billion laughs") before building it', () => {
    const levels = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) levels.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    const r = parseSpec(`${levels.join('\n')}\nname: *a8\n`);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toEqual([{ path: '(yaml)', message: expect.stringMatching(/^YAML document refused: .*alias.* \(a spec needs at most 100 alias uses\)$/i) }]);
  });
});
