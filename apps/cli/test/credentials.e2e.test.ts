// Credentials end to end on a real `slab up` (Temporal dev server, gateway, orchestrator, a
// supervised replay worker): the console link carries a single-use login code, never the token;
// files holding a token are readable by their owner only; the trainer worker holds an ingest-only
// token; the Temporal Web UI is off unless --ui asks for it, and then its address is printed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '@slab/temporal-dev';
import { waitFor } from './helpers';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

interface Up {
  child: ChildProcess;
  dir: string;
  port: number;
  out: () => string;
}

let running: Up | undefined;

/** This environment pointed at `dir`, without any token of the calling shell. */
function envFor(dir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, SLAB_STATE_DIR: dir };
  delete env.SLAB_TOKEN;
  delete env.SLAB_INGEST_TOKEN;
  return env;
}

/** `slab up` in its own process group, so the whole stack can be stopped with one signal. */
async function startUp(extra: string[]): Promise<Up> {
  const dir = mkdtempSync(join(tmpdir(), 'slab-cred-'));
  const port = await freePort();
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', main, 'up', '--port', String(port), '--workers', 'cpu:replay', ...extra], {
    env: envFor(dir),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  running = { child, dir, port, out: () => out };
  await waitFor('slab up to print its console link', () => {
    if (child.exitCode !== null) throw new Error(`slab up exited with ${child.exitCode}:\n${out}`);
    return /^console: /m.test(out) && /^temporal: /m.test(out) ? true : undefined;
  }, 180_000, 300);
  return running;
}

async function stopUp(up: Up): Promise<void> {
  const gone = up.child.exitCode !== null ? Promise.resolve() : new Promise<void>((r) => up.child.once('exit', () => r()));
  try {
    process.kill(-up.child.pid!, 'SIGINT');
  } catch {
    // already gone
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-up.child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 30_000);
  await gone;
  clearTimeout(timer);
  rmSync(up.dir, { recursive: true, force: true });
}

/**
 * GET without following redirects, on a fresh connection: a link is single-use, so it must never be
 * resent the way a client may resend a request after a reused keep-alive socket was closed.
 */
function visit(url: string): Promise<{ status: number; location?: string; cookie: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, location: res.headers.location, cookie: String(res.headers['set-cookie'] ?? '').split(';')[0] });
    }).on('error', reject);
  });
}

afterEach(async () => {
  if (running) await stopUp(running);
  running = undefined;
}, 60_000);

/** Every descendant of `pid` as [pid, command line]. */
function descendants(pid: number): [number, string][] {
  const rows = spawnSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  const table = rows.map((r) => {
    const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(r)!;
    return { pid: Number(m[1]), ppid: Number(m[2]), args: m[3] };
  });
  const out: [number, string][] = [];
  const walk = (p: number): void => {
    for (const row of table.filter((t) => t.ppid === p)) {
      out.push([row.pid, row.args]);
      walk(row.pid);
    }
  };
  walk(pid);
  return out;
}

const environOf = (pid: number): Record<string, string> =>
  Object.fromEntries(
    readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );

describe('slab up credentials', { timeout: 300_000 }, () => {
  it('prints a one-time login link instead of the token, keeps token files 0600, gives workers an ingest-only token, runs Temporal headless', async () => {
    const up = await startUp([]);
    const token = readFileSync(join(up.dir, 'token'), 'utf8').trim();
    const ingest = readFileSync(join(up.dir, 'ingest-token'), 'utf8').trim();
    expect(ingest).not.toBe(token);

    // The console link: a login code, not the token; it works once.
    const link = /^console: +(\S+)/m.exec(up.out())![1];
    expect(up.out()).not.toContain(token);
    expect(link).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${up.port}/login\\?code=[\\w-]+$`));
    const first = await visit(link);
    expect(first.status).toBe(303);
    const cookie = first.cookie;
    expect(cookie).toMatch(/^slab_session=/);
    expect((await visit(link)).status).toBe(400);
    // The cookie is a control session: same-origin writes pass authorization (404: no such sweep).
    const origin = `http://127.0.0.1:${up.port}`;
    expect((await fetch(`${origin}/api/sweeps/none/pause`, { method: 'POST', headers: { cookie, origin } })).status).toBe(404);

    // Token files: owner only.
    for (const f of ['token', 'ingest-token', 'stack.json']) expect(statSync(join(up.dir, f)).mode & 0o777, f).toBe(0o600);
    expect(JSON.parse(readFileSync(join(up.dir, 'stack.json'), 'utf8')).ingestToken).toBe(ingest);

    // The supervised trainer worker holds the ingest token only, and that token cannot submit.
    const procs = await waitFor('the trainer worker to start', () => {
      const found = descendants(up.child.pid!).filter(([, args]) => / worker --queue cpu /.test(args));
      return found.length > 0 ? found : undefined;
    }, 60_000);
    for (const [pid] of procs) {
      const env = environOf(pid);
      expect(env.SLAB_TOKEN, `worker pid ${pid}`).toBe(ingest);
      expect(Object.values(env)).not.toContain(token);
    }
    const submit = await fetch(`${origin}/api/sweeps`, { method: 'POST', headers: { authorization: `Bearer ${ingest}` }, body: '{"spec":"name: x"}' });
    expect(submit.status).toBe(403);

    // Temporal's Web UI is not served: the dev server runs --headless and no UI address is printed.
    const temporal = descendants(up.child.pid!).filter(([, args]) => /server start-dev/.test(args));
    expect(temporal).toHaveLength(1);
    expect(temporal[0][1]).toContain('--headless');
    expect(up.out()).not.toMatch(/\bUI\b/);

    // `slab console` mints a fresh link for the running stack.
    const again = spawnSync(process.execPath, ['--import', 'tsx', main, 'console', '--sweep', 'abc'], { env: envFor(up.dir), encoding: 'utf8', timeout: 120_000 });
    expect(again.status, again.stderr).toBe(0);
    const fresh = /(http:\S+)/.exec(again.stdout)![1];
    expect(fresh).not.toContain(token);
    expect(await visit(fresh)).toMatchObject({ status: 303, location: '/#/sweeps/abc' });
  });

  it('--ui starts the Temporal Web UI and prints its address', async () => {
    const up = await startUp(['--ui', '--workers', '']);
    const ui = /^temporal: +\S+ \(UI (http:\/\/\S+?),/m.exec(up.out());
    expect(ui, up.out()).not.toBeNull();
    const temporal = descendants(up.child.pid!).filter(([, args]) => /server start-dev/.test(args));
    expect(temporal[0][1]).not.toContain('--headless');
    const page = await waitFor('the Temporal UI to answer', () => fetch(ui![1]).then((r) => (r.ok ? r.status : undefined), () => undefined), 60_000);
    expect(page).toBe(200);
  });
});
