import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';

const workflowsPath = fileURLToPath(new URL('../src/workflows.ts', import.meta.url));
const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };

describe('workflow bundle', () => {
  it('bundles sweepWorkflow from TS source', async () => {
    const { code } = await bundleWorkflowCode({ workflowsPath, logger: silent });
    expect(code).toContain('sweepWorkflow');
    expect(code).toContain('slab-orchestrator');
  }, 60_000);

  it('resolves a workspace package by name to its TS source (no webpackConfigHook needed)', async () => {
    const path = fileURLToPath(new URL('./fixtures/imports-workspace.ts', import.meta.url));
    const { code } = await bundleWorkflowCode({ workflowsPath: path, logger: silent });
    expect(code).toContain('usesWorkspace');
    expect(code).toMatch(/padStart\(4, ["']0["']\)/);
  }, 60_000);

  it('rejects a workflow that imports a Node built-in', async () => {
    const bad = fileURLToPath(new URL('./fixtures/uses-fs.ts', import.meta.url));
    await expect(bundleWorkflowCode({ workflowsPath: bad, logger: silent })).rejects.toThrow(/disallowed modules[\s\S]*fs/);
  }, 60_000);
});
