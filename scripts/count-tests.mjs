// Sums vitest's "Tests  X failed | Y passed (Z)" lines from an Nx log and prints the closing line.
import { readFileSync } from 'node:fs';

const [logPath, staticRc, testRc] = process.argv.slice(2);
const text = readFileSync(logPath, 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
let passed = 0;
let failed = 0;
let skipped = 0;
for (const line of text.split('\n')) {
  const m = /^\S*\s*Tests\s+(.*)\(\d+\)\s*$/.exec(line.replace(/^.*?:\s+(?=Tests)/, ''));
  if (!m) continue;
  for (const part of m[1].split('|')) {
    const p = /(\d+)\s+(passed|failed|skipped|todo)/.exec(part);
    if (!p) continue;
    const n = Number(p[1]);
    if (p[2] === 'passed') passed += n;
    else if (p[2] === 'failed') failed += n;
    else skipped += n;
  }
}
// Whole-repository checks (scripts/check-*.sh) print "[check] NAME: passed|failed"; each counts as one test.
for (const m of text.matchAll(/^\[check\] \S+: (passed|failed)$/gm)) {
  if (m[1] === 'passed') passed += 1;
  else failed += 1;
}
// Python's unittest (sdk/python): "Ran N tests in Xs", then "OK [(skipped=K)]" or "FAILED (failures=F, errors=E, ...)".
let ran;
for (const line of text.split('\n')) {
  const r = /\bRan (\d+) tests? in [\d.]+s\s*$/.exec(line);
  if (r) ran = Number(r[1]);
  const v = ran === undefined ? null : /(?:^|\s)(OK|FAILED)(?: \(([^)]*)\))?\s*$/.exec(line);
  if (!v) continue;
  const count = (key) => Number(new RegExp(`\\b${key}=(\\d+)`).exec(v[2] ?? '')?.[1] ?? 0);
  const bad = count('failures') + count('errors') + count('unexpected successes');
  const skip = count('skipped') + count('expected failures');
  passed += ran - bad - skip;
  failed += bad;
  skipped += skip;
  ran = undefined;
}
// A failed lint/typecheck task or a test run that crashed before counting still fails the run.
const failedTasks = [...text.matchAll(/Failed tasks:\n((?:\s+- .*\n)+)/g)].flatMap((m) => m[1].trim().split('\n'));
const extra = failedTasks.filter((t) => !/:test\b/.test(t)).length;
const crashed = Number(testRc) !== 0 && failed === 0 ? 1 : 0;
failed += extra + crashed;
if (failedTasks.length) console.log(`failed tasks:\n${failedTasks.join('\n')}`);
// The failing tests by name, each with the first lines of its error, so the log's last lines (all a
// CI page may show) say what failed and why, not only which project.
const lines = text.split('\n').map((l) => l.replace(/^[@\w/.-]+:\s?/, ''));
const failures = [];
for (let i = 0; i < lines.length && failures.length < 20; i++) {
  if (!/^\s*FAIL\s+\S.* > /.test(lines[i])) continue;
  const detail = [];
  for (let j = i + 1; j < lines.length && detail.length < 6; j++) {
    if (/^\s*(FAIL\b|Tests\b|Test Files\b|Failed tasks|⎯)/.test(lines[j])) break;
    if (lines[j].trim()) detail.push(lines[j]);
  }
  failures.push([lines[i].trim(), ...detail.map((l) => `    ${l.trim().slice(0, 300)}`)].join('\n'));
}
if (failures.length) console.log(`failed tests:\n${[...new Set(failures)].join('\n')}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || Number(staticRc) !== 0 || Number(testRc) !== 0 ? 1 : 0);
