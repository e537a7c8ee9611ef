/**
 * Replays committed histories (recorded from the dev-server sweep test in libs/orchestration-node)
 * through the current workflow code. A change to the command sequence fails here with a
 * DeterminismViolationError: patch the workflow (patched()) instead of editing it in place.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';

const dir = new URL('./histories/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const workflowsPath = fileURLToPath(new URL('../src/workflows.ts', import.meta.url));
const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };
let workflowBundle: Awaited<ReturnType<typeof bundleWorkflowCode>>;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  workflowBundle = await bundleWorkflowCode({ workflowsPath, logger: quiet });
}, 60_000);

describe('replay of committed sweep histories', () => {
  it('has at least one committed history', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s replays deterministically', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(new URL(file, dir), 'utf8')));
    await Worker.runReplayHistory({ workflowBundle }, history, `replay-${file}`);
  }, 60_000);

  it('detects a changed command sequence', async () => {
    const [file] = files;
    const history = historyFromJSON(JSON.parse(readFileSync(new URL(file, dir), 'utf8')));
    const changed = await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('./fixtures/changed-workflow.ts', import.meta.url)),
      logger: quiet,
    });
    await expect(Worker.runReplayHistory({ workflowBundle: changed }, history, 'replay-changed')).rejects.toThrow(/[Nn]ondetermin/);
  }, 60_000);
});
