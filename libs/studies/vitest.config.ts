import { defineConfig } from 'vitest/config';

// Fits with large start grids and worker-thread bootstraps take seconds; on a loaded CI machine several
// times that. Tests assert results, never durations, so the per-test limit is generous.
export default defineConfig({ test: { testTimeout: 60_000 } });
