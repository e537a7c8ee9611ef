import { describe, expect, it } from 'vitest';
import { parseAssignments } from '../src/commands/predict';

describe('parseAssignments', () => {
  it('reads NAME=NUMBER lists in scientific notation', () => {
    expect(parseAssignments('N=1e9, D=2e10', '--at')).toEqual({ N: 1e9, D: 2e10 });
  });
  it('names the flag and the bad item', () => {
    expect(() => parseAssignments('N=1e9,D=lots', '--at')).toThrow('--at: expected NAME=NUMBER items separated by commas, got "D=lots"');
    expect(() => parseAssignments('', '--at')).toThrow('--at: expected at least one NAME=NUMBER');
  });
});
