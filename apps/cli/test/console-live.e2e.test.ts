// The console during a real sweep: Temporal dev server, gateway, a tfjs worker training on
// Fashion-MNIST, and Debian's chromium watching a loss curve grow over the live websocket.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { tinySpec, useStack, waitFor, waitForPhase } from './helpers';

const CHROMIUM = process.env.SLAB_CHROMIUM ?? '/usr/bin/chromium';
const env = useStack([{ queue: 'cpu', plugins: ['tfjs'] }]);
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: run apt-get install chromium`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 60_000);
afterAll(async () => browser?.close());

describe('console during a running sweep', () => {
  it('shows the trials and a loss curve that grows while the trainer streams', async () => {
    const trial = '{ logEvery: 5, evalEvery: 200, checkpointEvery: 100, timeoutSeconds: 300, heartbeatSeconds: 10, maxAttempts: 2 }';
    const { id } = await env.client.createSweep(tinySpec({ name: 'live', widths: [64], data: [24_000, 32_000], trial }).replace('parallelism: 2', 'parallelism: 1'));
    const page = await browser.newPage();
    await page.goto(`${env.stack.gatewayUrl}/?token=${env.stack.token}#/sweeps/${id}`);
    const series = page.locator(`path.series[data-series="${id}-t0000:train_loss"]`);
    const points = async () => Number((await series.getAttribute('data-points').catch(() => null)) ?? 0);

    const first = await waitFor('the first points of the curve', async () => ((await points()) >= 2 ? points() : undefined), 120_000, 200);
    const later = await waitFor('the curve to grow', async () => {
      const n = await points();
      return n > first ? n : undefined;
    }, 60_000, 200);
    expect(later).toBeGreaterThan(first);
    // One trial per batch (parallelism 1): the first is on screen, running, while it streams.
    expect(await page.locator(`tr[data-trial="${id}-t0000"]`).textContent()).toContain('running');

    expect((await waitForPhase(env.client, id, 300_000)).phase).toBe('completed');
    await expect.poll(() => page.locator(`tr[data-trial="${id}-t0001"]`).textContent(), { timeout: 15_000 }).toContain('completed');
    await page.close();
  }, 420_000);
});
