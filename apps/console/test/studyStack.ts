/**
 * What the console's study tests share: a real gateway (SQLite store) serving the built console, one
 * stored sweep per example spec, study answers stored as the orchestrator stores them (inside a batch's
 * fit report), and Debian's chromium.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { GatewayClient, type StudyAnswer } from '@slab/api';
import { startGateway } from '@slab/gateway';
import { parseSpec } from '@slab/spec';
import { openStore } from '@slab/store';
import type { StudySpec } from '@slab/studies';
import { buildConsole } from '../src';

const CHROMIUM = '/usr/bin/chromium';
export const outputDir = join(import.meta.dirname, 'output');
const repo = join(import.meta.dirname, '../../..');

/** A file of the repository as text (examples/, bench/studies/data/). */
export const read = (path: string): string => readFileSync(join(repo, path), 'utf8');

/** The study section of an example spec. */
export function studyOf(example: string): StudySpec {
  const parsed = parseSpec(read(example));
  if (!parsed.ok || !parsed.spec.study) throw new Error(`${example}: no study section`);
  return parsed.spec.study as StudySpec;
}

/** How far the page is wider than the window (> 0: a horizontal scroll bar). */
export const pageOverflow = (page: Page): Promise<number> => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** Stores an answer as fitLaws does: inside the report of the batch's fit. */
export async function storeAnswer(client: GatewayClient, sweepId: string, answer: StudyAnswer): Promise<void> {
  const skipped = 'the study test stores no law';
  await client.addFit(sweepId, { summary: { law: 'power-law', params: {}, converged: false, nPoints: 0, formula: '', skipped }, report: { skipped, study: answer } });
}

export interface StudyStack {
  gateway: Awaited<ReturnType<typeof startGateway>>;
  client: GatewayClient;
  browser: Browser;
  close(): Promise<void>;
}

/** Starts the stack with one sweep per `{ id: [name, example spec path] }`. */
export async function startStudyStack(token: string, sweeps: Record<string, [name: string, example: string]>): Promise<StudyStack> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: the console test drives Debian's chromium; run apt-get install chromium`);
  const dir = mkdtempSync(join(tmpdir(), 'slab-console-study-'));
  const consoleDir = await buildConsole(join(dir, 'console'));
  const dbPath = join(dir, 'slab.db');
  const store = await openStore(dbPath);
  for (const [id, [name, example]] of Object.entries(sweeps)) await store.createSweep({ id, name, specYaml: read(example) });
  await store.close();
  const gateway = await startGateway({ dbPath, token, consoleDir, host: '127.0.0.1', port: 0 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  mkdirSync(outputDir, { recursive: true });
  return {
    gateway,
    client: new GatewayClient(gateway.url, token),
    browser,
    async close() {
      await browser.close();
      await gateway.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
