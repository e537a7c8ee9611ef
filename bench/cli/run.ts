/**
 * bench/cli: wall time of `slab --help` and `slab ls` (against a running gateway, and against none),
 * the built CLI (apps/cli/dist through bin/slab.js, as users run it) against the TypeScript sources
 * through tsx, with `node -e 0` as the floor. One process per sample, every command once per round,
 * rounds interleaved, medians over the rounds; wall time and the process's CPU time (GNU time).
 *
 * Run: npx tsx bench/cli/run.ts [--reps 10]   (writes bench/cli/results.json)
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'apps/cli/bin/slab.js');
const sources = join(root, 'apps/cli/src/main.ts');
const { values } = parseArgs({ options: { reps: { type: 'string', default: '10' } } });
const reps = Number(values.reps);
if (!Number.isInteger(reps) || reps < 1) throw new Error(`--reps: expected a positive integer, got "${values.reps}"`);

const TOKEN = 'bench-cli-token-0123456789abcdef';
const work = mkdtempSync(join(tmpdir(), 'slab-bench-cli-'));

function build(): void {
  const r = spawnSync(process.execPath, [join(root, 'apps/cli/build.mjs')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed:\n${r.stderr}`);
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** The gateway as its own process (no orchestrator), with three stored sweeps for `ls` to list. */
async function startGateway(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'apps/gateway/src/main.ts'), '--db', join(work, 'slab.sqlite'), '--token', TOKEN, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}`)));
  });
  const spec = readFileSync(join(root, 'examples/replay-chinchilla.yaml'), 'utf8');
  for (let i = 0; i < 3; i++) {
    const res = await fetch(`${url}/api/sweeps`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ spec }) });
    if (res.status !== 201) throw new Error(`creating a sweep: ${res.status} ${await res.text()}`);
  }
  return { url, stop: () => child.kill('SIGKILL') };
}

interface Sample {
  ms: number;
  /** User + system CPU time of the process (GNU time): less sensitive to other load than wall time. */
  cpuMs: number;
  status: number | null;
  /** Which code bin/slab.js ran ('built' / 'source'), from its SLAB_VERBOSE line. */
  entry?: string;
}

/** One process, timed from spawn to exit (its output drained as it comes), its CPU time read by GNU time. */
function time(args: string[], env: Record<string, string>): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-f', 'cpu-seconds %U %S', process.execPath, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.once('error', reject);
    child.once('close', (status) => {
      const ms = performance.now() - started;
      const cpu = /^cpu-seconds ([\d.]+) ([\d.]+)$/m.exec(stderr);
      if (!cpu) return reject(new Error(`no CPU time from /usr/bin/time:\n${stderr}`));
      const entry = /^slab: running (the built CLI|the sources)/m.exec(stderr)?.[1];
      resolve({ ms, cpuMs: 1000 * (Number(cpu[1]) + Number(cpu[2])), status, ...(entry ? { entry: entry === 'the built CLI' ? 'built' : 'source' } : {}) });
    });
  });
}

/** A one-line script that GETs /api/sweeps with the token, through fetch or node:http, and prints the body. */
function getWith(via: 'fetch' | 'http', url: string): string {
  const headers = JSON.stringify({ authorization: `Bearer ${TOKEN}` });
  return via === 'fetch'
    ? `fetch(${JSON.stringify(`${url}/api/sweeps`)}, { headers: ${headers} }).then((r) => r.text()).then((t) => process.stdout.write(t))`
    : `require('node:http').get(${JSON.stringify(`${url}/api/sweeps`)}, { headers: ${headers} }, (r) => { let t = ''; r.on('data', (d) => (t += d)); r.on('end', () => process.stdout.write(t)); })`;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  build();
  const gateway = await startGateway();
  const none = `http://127.0.0.1:${await closedPort()}`;
  const env = { SLAB_STATE_DIR: join(work, 'state'), SLAB_TOKEN: TOKEN, SLAB_VERBOSE: '1', NO_COLOR: '1' };
  const commands: { name: string; args: string[]; built: boolean }[] = [
    { name: 'node -e 0 (floor)', args: ['-e', '0'], built: false },
    { name: 'slab --help (built)', args: [bin, '--help'], built: true },
    { name: 'slab ls, gateway up (built)', args: [bin, 'ls', '--gateway', gateway.url], built: true },
    { name: 'slab ls, no gateway (built)', args: [bin, 'ls', '--gateway', none], built: true },
    { name: 'slab validate examples/replay-chinchilla.yaml (built)', args: [bin, 'validate', join(root, 'examples/replay-chinchilla.yaml')], built: true },
    // Why the CLI uses node:http: one GET of the sweep list, the rest of the process the same.
    { name: 'one GET with fetch (node -e)', args: ['-e', getWith('fetch', gateway.url)], built: false },
    { name: 'one GET with node:http (node -e)', args: ['-e', getWith('http', gateway.url)], built: false },
    { name: 'slab --help (sources, tsx)', args: ['--import', 'tsx', sources, '--help'], built: false },
    { name: 'slab ls, gateway up (sources, tsx)', args: ['--import', 'tsx', sources, 'ls', '--gateway', gateway.url], built: false },
    { name: 'slab ls, no gateway (sources, tsx)', args: ['--import', 'tsx', sources, 'ls', '--gateway', none], built: false },
  ];
  const samples = new Map<string, Sample[]>(commands.map((c) => [c.name, []]));
  const loadBefore = loadavg()[0];
  let rebuilds = 0;
  try {
    for (let rep = 0; rep < reps; rep++) {
      for (const c of commands) {
        // Other work may touch a bundled source mid-run: a built sample must have run the bundle.
        for (;;) {
          const s = await time(c.args, env);
          if (c.built && s.entry !== 'built') {
            rebuilds += 1;
            build();
            continue;
          }
          samples.get(c.name)!.push(s);
          break;
        }
      }
      process.stderr.write(`round ${rep + 1}/${reps} done (load ${loadavg()[0].toFixed(1)})\n`);
    }
  } finally {
    gateway.stop();
    rmSync(work, { recursive: true, force: true });
  }
  const loadAfter = loadavg()[0];
  const rows = commands.map((c) => {
    const xs = samples.get(c.name)!.map((s) => s.ms);
    const cpu = samples.get(c.name)!.map((s) => s.cpuMs);
    return { command: c.name, medianMs: Math.round(median(xs)), minMs: Math.round(Math.min(...xs)), maxMs: Math.round(Math.max(...xs)), medianCpuMs: Math.round(median(cpu)), samples: xs.map(Math.round), cpuSamples: cpu.map(Math.round) };
  });
  const result = { date: new Date().toISOString(), node: process.version, reps, loadBefore, loadAfter, rebuilds, rows };
  writeFileSync(join(root, 'bench/cli/results.json'), `${JSON.stringify(result, null, 1)}\n`);
  console.log(`load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after; ${reps} interleaved rounds; ${rebuilds} rebuilds`);
  console.log('| command | wall, median | wall, min–max | CPU (user+sys), median |\n| --- | --- | --- | --- |');
  for (const r of rows) console.log(`| ${r.command} | **${(r.medianMs / 1000).toFixed(2)} s** | ${(r.minMs / 1000).toFixed(2)}–${(r.maxMs / 1000).toFixed(2)} s | ${(r.medianCpuMs / 1000).toFixed(2)} s |`);
}

await main();
