import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { startDevServer, temporalCliPath } from '../src';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'slab-temporal-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitDead(pid: number, ms: number): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += 100) {
    if (!alive(pid)) return true;
    await delay(100);
  }
  return !alive(pid);
}

describe('temporalCliPath', () => {
  it('finds the pinned CLI', () => {
    expect(existsSync(temporalCliPath())).toBe(true);
  });
  it('rejects a TEMPORAL_CLI_PATH of another program and names the install command', () => {
    expect(() => temporalCliPath({ ...process.env, TEMPORAL_CLI_PATH: '/bin/true' })).toThrow(/install\.sh/);
  });
  it('throws with the go install command when nothing is installed', () => {
    const empty = tempDir();
    expect(() => temporalCliPath({ PATH: empty, HOME: empty, XDG_CACHE_HOME: empty })).toThrow(
      /go install github\.com\/temporalio\/cli\/cmd\/temporal@v1\.5\.1/,
    );
  });
});

describe('startDevServer', () => {
  it('starts on free ports with its own SQLite file, serves gRPC, and stops cleanly', async () => {
    const stateDir = join(tempDir(), 'nested', 'state');
    const server = await startDevServer({ stateDir, headless: true });
    try {
      expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(server.address).not.toBe('127.0.0.1:7233');
      expect(existsSync(server.dbFile)).toBe(true);
      const connection = await Connection.connect({ address: server.address });
      const ns = await connection.workflowService.describeNamespace({ namespace: 'default' });
      expect(ns.namespaceInfo?.name).toBe('default');
      await connection.close();
    } finally {
      await server.stop();
    }
    expect(alive(server.pid)).toBe(false);
  });

  it('does not leave the server running when its parent is SIGKILLed', async () => {
    const script = fileURLToPath(new URL('./fixtures/start-and-wait.ts', import.meta.url));
    const parent = spawn(process.execPath, ['--import', 'tsx', script, tempDir()], { stdio: ['ignore', 'pipe', 'inherit'] });
    const serverPid = await new Promise<number>((resolvePid, reject) => {
      let out = '';
      parent.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /pid=(\d+)/.exec(out);
        if (m) resolvePid(Number(m[1]));
      });
      parent.once('exit', (code) => reject(new Error(`fixture exited early with ${code}`)));
    });
    expect(alive(serverPid)).toBe(true);
    parent.kill('SIGKILL');
    expect(await waitDead(serverPid, 15_000)).toBe(true);
    // Starting the fixture (tsx) and the server takes seconds on a loaded 2-core machine.
  }, 60_000);
});
