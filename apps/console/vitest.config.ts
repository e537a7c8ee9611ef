import { defineConfig } from 'vitest/config';

// The browser tests wait for a page to re-render after each action. On a loaded 2-core CI machine
// that can take seconds, so every poll waits up to 15 s (vitest's default is 1 s); tests assert what
// the page shows, never how fast it shows it.
export default defineConfig({ test: { expect: { poll: { timeout: 15_000 } } } });
