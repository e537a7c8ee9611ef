/**
 * The sweep workflow bundle, built once per process from libs/orchestration's TS source. The package
 * exports `./src/index.ts` as a plain string, so webpack resolves it under any condition and swc strips
 * the types; no webpackConfigHook is needed (the bundle test guards this).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

/** Absolute path of libs/orchestration/src/workflows.ts, resolved by package name. */
export function sweepWorkflowsPath(): string {
  const index = createRequire(import.meta.url).resolve('@slab/orchestration');
  return join(dirname(index), 'workflows.ts');
}

/** webpack's progress chatter is noise in worker logs; warnings and errors still show. */
const ignore = (): void => undefined;

let cached: Promise<WorkflowBundleWithSourceMap> | undefined;

export function sweepWorkflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  cached ??= bundleWorkflowCode({
    workflowsPath: sweepWorkflowsPath(),
    logger: { trace: ignore, debug: ignore, info: ignore, warn: console.warn, error: console.error, log: ignore },
  });
  cached.catch(() => (cached = undefined));
  return cached;
}
