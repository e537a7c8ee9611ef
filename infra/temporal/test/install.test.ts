import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { INSTALL_SCRIPT, temporalCliPath } from '../src';

const empty = mkdtempSync(join(tmpdir(), 'slab-install-'));
afterAll(() => rmSync(empty, { recursive: true, force: true }));
const basePath = '/usr/bin:/bin';

describe('install.sh', () => {
  it('reuses the pinned CLI without building, and prints its path', () => {
    const cli = temporalCliPath();
    const out = execFileSync('bash', [INSTALL_SCRIPT], { env: { PATH: `${dirname(cli)}:${basePath}`, HOME: empty }, encoding: 'utf8' });
    expect(out.trim()).toBe(cli);
  });

  it('honours TEMPORAL_CLI_PATH and refuses one of another version', () => {
    const cli = temporalCliPath();
    const ok = execFileSync('bash', [INSTALL_SCRIPT], { env: { PATH: basePath, HOME: empty, TEMPORAL_CLI_PATH: cli }, encoding: 'utf8' });
    expect(ok.trim()).toBe(cli);
    const bad = spawnSync('bash', [INSTALL_SCRIPT], { env: { PATH: basePath, HOME: empty, TEMPORAL_CLI_PATH: '/bin/true' }, encoding: 'utf8' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('TEMPORAL_CLI_PATH=/bin/true is not Temporal CLI 1.5.1');
  });

  it('says Go is needed when nothing is installed and go is not on PATH', () => {
    const res = spawnSync('bash', [INSTALL_SCRIPT], { env: { PATH: basePath, HOME: empty, XDG_CACHE_HOME: empty }, encoding: 'utf8' });
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain('go is required to build Temporal CLI 1.5.1');
  });
});
