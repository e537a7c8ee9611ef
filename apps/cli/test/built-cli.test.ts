// The built `slab` (apps/cli/dist, `node apps/cli/build.mjs`): bin/slab.js runs it while it is current and
// the TypeScript sources otherwise, and the quick commands load neither Temporal, the trainers nor tsx.
// What ran is read from the modules the process resolved (a resolve hook logs them), not from timings.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient } from '@slab/api';
import { startGateway } from '@slab/gateway';
import { bundleState, chooseEntry } from '../bin/entry.js';

const cliDir = fileURLToPath(new URL('..', import.meta.url));
const bin = join(cliDir, 'bin/slab.js');
const recordImports = join(cliDir, 'test/fixtures/record-imports.mjs');
const csv = fileURLToPath(new URL('../../../data/chinchilla/svg_extracted_data.csv', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'slab-built-'));
/** Modules that make a start slow: Temporal, tfjs, the SQLite driver, websockets, protobuf, YAML, tsx. */
const HEAVY = /@temporalio|@tensorflow|better-sqlite3|\/ws\/|protobufjs|\/yaml\/|\/tsx\//;

/** Other work in this tree may edit a bundled source at any time: rebuild whenever the bundle is stale. */
function ensureBuilt(): void {
  if (bundleState().current) return;
  const r = spawnSync(process.execPath, [join(cliDir, 'build.mjs')], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}

let runs = 0;
/**
 * `node NODE_ARGS` with the resolve hook; `loaded` lists every module URL the process resolved. Not
 * spawnSync: a gateway in this process must keep answering while the command runs.
 */
async function node(nodeArgs: string[], env: Record<string, string> = {}, cwd?: string) {
  ensureBuilt();
  const log = join(work, `imports-${++runs}.log`);
  const child = spawn(process.execPath, ['--import', recordImports, ...nodeArgs], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SLAB_STATE_DIR: join(work, 'state'), SLAB_IMPORT_LOG: log, SLAB_VERBOSE: '1', NO_COLOR: '1', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const status = await new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  let loaded: string[] = [];
  try {
    loaded = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  } catch {
    // nothing resolved beyond the entry
  }
  return { status, stdout, stderr, loaded };
}

/** `slab ARGS` through bin/slab.js, as a user runs it. */
const slab = (args: string[], env: Record<string, string> = {}, cwd?: string) => node([bin, ...args], env, cwd);

const fromDist = (url: string) => url.includes('/apps/cli/dist/');

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('bin/slab.js with a current build', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it('slab --help runs the bundle and loads nothing heavy', { timeout: 60_000 }, async () => {
    const r = await slab(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: slab');
    expect(r.stderr).toMatch(/^slab: running the built CLI: built .* from \d+ sources, all older$/m);
    expect(r.loaded.some((u) => u.endsWith('/apps/cli/dist/main.js'))).toBe(true);
    expect(r.loaded.filter((u) => u.endsWith('.ts'))).toEqual([]);
    expect(r.loaded.filter((u) => HEAVY.test(u))).toEqual([]);
  });

  it('slab validate checks a spec, its replay table included, without loading Temporal, the trainers or tsx', { timeout: 60_000 }, async () => {
    const r = await slab(['validate', 'examples/replay-chinchilla.yaml'], {}, join(cliDir, '../..'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('examples/replay-chinchilla.yaml: ok\n');
    expect(r.loaded.filter((u) => u.endsWith('.ts') || /@temporalio|@tensorflow|better-sqlite3|\/ws\/|\/tsx\//.test(u))).toEqual([]);
  });

  it('slab ls with no gateway listening says how to start one, from the bundle', { timeout: 60_000 }, async () => {
    const port = await closedPort();
    const r = await slab(['ls', '--gateway', `http://127.0.0.1:${port}`]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`cannot reach the gateway .*127\\.0\\.0\\.1:${port}`));
    expect(r.loaded.filter((u) => u.endsWith('.ts') || HEAVY.test(u))).toEqual([]);
  });

  it('slab ls lists the sweeps of a real gateway, from the bundle', { timeout: 60_000 }, async () => {
    const token = 'built-cli-test-token-0123456789';
    const gateway = await startGateway({ port: 0, dbPath: join(work, 'slab.sqlite'), token, log: () => undefined });
    try {
      const spec = readFileSync(fileURLToPath(new URL('../../../examples/replay-chinchilla.yaml', import.meta.url)), 'utf8');
      const { id } = await new GatewayClient(gateway.url, token).createSweep(spec);
      const r = await slab(['ls', '--gateway', gateway.url], { SLAB_TOKEN: token });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(id);
      expect(r.loaded.filter((u) => u.endsWith('.ts') || HEAVY.test(u))).toEqual([]);
    } finally {
      await gateway.close();
    }
  });

  it('slab worker loads its trainers from the bundle (and says why it cannot connect)', { timeout: 120_000 }, async () => {
    const port = await closedPort();
    const r = await slab(['worker', '--queue', 'q', '--plugin', 'tfjs,replay,process', '--temporal', `127.0.0.1:${port}`, '--gateway', `http://127.0.0.1:${port}`], { SLAB_TOKEN: 'x' });
    expect(r.stdout).toMatch(/^worker .*: queue q, plugins tfjs\+replay\+process, backend \S+/m);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/ConnectionRefused|ECONNREFUSED|connect/i);
    expect(r.loaded.some((u) => u.endsWith('/apps/cli/dist/main.js'))).toBe(true);
    expect(r.loaded.some((u) => u.includes('@tensorflow/tfjs'))).toBe(true);
    expect(r.loaded.filter((u) => u.endsWith('.ts'))).toEqual([]);
  });

  it('slab fit answers exactly as the sources do, its bootstrap threads running the built worker', { timeout: 120_000 }, async () => {
    const args = ['fit', csv, '--law', 'chinchilla', '--columns', 'N=Model Size,C=Training FLOP,L=loss', '--starts', 'small', '--bootstrap', '8', '--threads', '2'];
    const built = await slab(args);
    expect(built.status, built.stderr).toBe(0);
    expect(built.stdout).toMatch(/bootstrap: 8 resamples/);
    expect(built.loaded.some((u) => u.endsWith('/apps/cli/dist/parallel-worker.js'))).toBe(true);
    expect(built.loaded.filter((u) => u.endsWith('.ts'))).toEqual([]);
    const source = await node(['--import', 'tsx', join(cliDir, 'src/main.ts'), ...args]);
    expect(source.status, source.stderr).toBe(0);
    expect(source.loaded.some(fromDist)).toBe(false);
    expect(built.stdout).toBe(source.stdout);
  });
});

describe('which code bin/slab.js runs', () => {
  /** A fake repository: two sources and a dist/build.json recording a build at `builtAt`. */
  function fakeBuild(builtAt: number) {
    const root = mkdtempSync(join(tmpdir(), 'slab-entry-'));
    mkdirSync(join(root, 'src'));
    mkdirSync(join(root, 'dist'));
    for (const f of ['src/a.ts', 'src/b.ts']) {
      writeFileSync(join(root, f), '');
      utimesSync(join(root, f), new Date(builtAt - 60_000), new Date(builtAt - 60_000));
    }
    writeFileSync(join(root, 'dist/build.json'), JSON.stringify({ builtAt, inputs: ['src/a.ts', 'src/b.ts'] }));
    return { repoRoot: root, dist: join(root, 'dist'), source: join(root, 'src/main.ts') };
  }

  it('runs the bundle when every source is older than the build', () => {
    const paths = fakeBuild(Date.now());
    expect(chooseEntry(['ls'], paths)).toMatchObject({ kind: 'built', file: join(paths.dist, 'main.js') });
  });

  it('runs the sources once one of them changed after the build, naming it', () => {
    const paths = fakeBuild(Date.now() - 10_000);
    utimesSync(join(paths.repoRoot, 'src/b.ts'), new Date(), new Date());
    expect(chooseEntry(['ls'], paths)).toEqual({ kind: 'source', file: paths.source, why: 'src/b.ts changed after the build' });
  });

  it('runs the sources when a bundled source is gone or there is no build', () => {
    const paths = fakeBuild(Date.now());
    rmSync(join(paths.repoRoot, 'src/a.ts'));
    expect(chooseEntry(['ls'], paths).why).toBe('src/a.ts is gone since the build');
    rmSync(join(paths.dist, 'build.json'));
    expect(chooseEntry(['ls'], paths)).toMatchObject({ kind: 'source', why: expect.stringMatching(/^no built CLI in dist/) });
  });

  it('runs up, serve and run from the sources, but their --help from the bundle', () => {
    const paths = fakeBuild(Date.now());
    for (const command of ['up', 'serve', 'run']) expect(chooseEntry([command, 'spec.yaml'], paths).kind, command).toBe('source');
    expect(chooseEntry(['run', '--help'], paths).kind).toBe('built');
    expect(chooseEntry(['worker', '--queue', 'cpu'], paths).kind).toBe('built');
  });
});
