// The console during a real sweep: Temporal dev server, gateway, a tfjs worker training on
// Fashion-MNIST, and Debian's chromium watching a loss curve grow over the live websocket, then
// pausing, resuming and stopping the sweep with the page's buttons.
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
  it('shows the trials and a loss curve that grows while the trainer streams; its buttons pause, resume and stop the sweep', async () => {
    const trial = '{ logEvery: 5, evalEvery: 200, checkpointEvery: 100, timeoutSeconds: 300, heartbeatSeconds: 10, maxAttempts: 2 }';
    const { id } = await env.client.createSweep(tinySpec({ name: 'live', widths: [64], data: [24_000, 32_000, 16_000], trial }).replace('parallelism: 2', 'parallelism: 1'));
    const page = await browser.newPage();
    page.on('dialog', (d) => void d.accept());
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

    // Pause: the running trial finishes, then the page shows the sweep paused with nothing new started.
    const badge = page.locator('#head .badge');
    await page.locator('button[data-action="pause"]').click();
    await expect.poll(() => badge.getAttribute('data-status'), { timeout: 60_000, interval: 300 }).toBe('paused');
    expect(await page.locator('button[data-action="resume"]').isEnabled()).toBe(true);
    expect(await page.locator('button[data-action="pause"]').isDisabled()).toBe(true);
    await expect.poll(() => page.locator(`tr[data-trial="${id}-t0000"]`).textContent(), { timeout: 180_000, interval: 500 }).toContain('completed');
    await waitFor('the paused sweep to fit its finished trial', async () => {
      const s = (await env.client.getSweep(id)).status;
      return (s.phase === 'paused' && s.trials.running === 0) || undefined;
    }, 120_000);
    // The next batch's trial may be created, but waits: nothing runs while paused.
    expect((await env.client.getSweep(id)).status.trials).toMatchObject({ completed: 1, running: 0 });

    // Resume: the next trial starts; Stop while it runs lets it finish and starts no other.
    await page.locator('button[data-action="resume"]').click();
    await expect.poll(() => page.locator(`tr[data-trial="${id}-t0001"]`).textContent().catch(() => ''), { timeout: 120_000, interval: 300 }).toContain('running');
    await page.locator('button[data-action="stop"]').click();
    const final = await waitForPhase(env.client, id, 300_000);
    expect(final.phase).toBe('cancelled');
    expect(final.stopReason).toBe('stopped by user: running trials finished, no new ones started');
    expect(final.trials.failed).toBe(0);
    expect(final.trials.completed).toBe(final.trials.planned);
    await expect.poll(() => page.locator(`tr[data-trial="${id}-t0001"]`).textContent(), { timeout: 15_000 }).toContain('completed');
    await expect.poll(() => page.locator('[data-testid="stop-reason"]').textContent().catch(() => ''), { timeout: 15_000 }).toContain('running trials finished, no new ones started');
    expect(await page.locator('button[data-action="stop"]').isDisabled()).toBe(true);
    await page.close();
  }, 420_000);
});
