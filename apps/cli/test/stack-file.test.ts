import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStackInfo, writeStackInfo } from '../src/config';

describe('stack.json', () => {
  it('holds the token, so only its owner may read it, also when an older file was world-readable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slab-stack-'));
    try {
      const file = join(dir, 'stack.json');
      writeFileSync(file, '{}\n', { mode: 0o644 });
      const info = { gatewayUrl: 'http://127.0.0.1:7300', temporalAddress: '127.0.0.1:7233', token: 'secret-token', pid: 1 };
      writeStackInfo(info, dir);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readStackInfo(dir)).toEqual(info);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
