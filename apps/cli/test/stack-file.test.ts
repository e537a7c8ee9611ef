import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clientTarget, readStackInfo, writeStackInfo } from '../src/config';

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

  it('an empty SLAB_TOKEN counts as unset: the stack token is sent, not an empty one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slab-stack-'));
    const saved = { dir: process.env.SLAB_STATE_DIR, token: process.env.SLAB_TOKEN };
    try {
      writeStackInfo({ gatewayUrl: 'http://127.0.0.1:7399', temporalAddress: '127.0.0.1:7233', token: 'stack-token-0123456789' }, dir);
      process.env.SLAB_STATE_DIR = dir;
      process.env.SLAB_TOKEN = '';
      expect(clientTarget()).toEqual({ gatewayUrl: 'http://127.0.0.1:7399', token: 'stack-token-0123456789' });
      process.env.SLAB_TOKEN = 'env-token-0123456789';
      expect(clientTarget().token).toBe('env-token-0123456789');
    } finally {
      for (const [k, v] of [['SLAB_STATE_DIR', saved.dir], ['SLAB_TOKEN', saved.token]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
