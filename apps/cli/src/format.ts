/** Small formatting helpers shared by the CLI's commands. */
import type { SweepStatus } from '@slab/orchestration';

/** 1234567 → "1.23e6"; small integers stay as they are. */
export function sci(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined) return '—';
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && (Math.abs(value) >= 1e5 || Math.abs(value) < 1e-3)) return value.toExponential(digits - 1).replace('e+', 'e');
  return Number.isInteger(value) ? String(value) : value.toPrecision(digits);
}

/** Red on a colour terminal (honours NO_COLOR), plain text otherwise. */
export function red(text: string, stream: { isTTY?: boolean } = process.stdout): string {
  return stream.isTTY && !process.env.NO_COLOR ? `\x1b[31m${text}\x1b[39m` : text;
}

// eslint-disable-next-line no-control-regex -- strips the colour codes red() adds
const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').length;

/** A plain aligned text table (cells may carry colour codes). */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => visible(r[i] ?? ''))));
  const line = (r: string[]) => r.map((c, i) => (c ?? '') + ' '.repeat(widths[i] - visible(c ?? ''))).join('  ').trimEnd();
  return [line(cells[0]), line(widths.map((w) => '─'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
}

/** A running trial on its second or later attempt is being retried (its worker died, or it failed). */
export function trialStatus(t: { status: string; attempt?: number }): string {
  return t.status === 'running' && (t.attempt ?? 1) > 1 ? `retrying (attempt ${t.attempt})` : t.status;
}

export function configLabel(config: object): string {
  return Object.entries(config)
    .map(([k, v]) => `${k.replace('curation.', '')}=${typeof v === 'number' ? sci(v) : String(v)}`)
    .join(' ');
}

/**
 * One line for the latest fit: its law, else why there is none. A sweep fitted per group or per
 * metric leaves the top-level formula empty when no group has a law yet, so '' falls through too.
 */
export function fitLine(fit: SweepStatus['lastFit']): string {
  if (!fit) return 'no fit yet';
  const why = fit.skipped || fit.groups?.map((g) => g.summary.skipped).find(Boolean);
  return fit.formula || (why ? `none yet (${why})` : 'none yet');
}

/** Phases after which a sweep changes no more. */
export const ENDED_PHASES: ReadonlySet<string> = new Set(['completed', 'cancelled', 'failed']);

/**
 * A sweep's trials in one phrase, the same in `slab ls` and `slab status`: how many the planner has
 * created so far (of the trial budget, when there is one), then how many are completed, running,
 * failed, diverged, and the rest: waiting to start, or, once the sweep ended, stopped.
 */
export function trialCounts(t: SweepStatus['trials'], opts: { phase: string; budget?: number }): string {
  const rest = Math.max(0, t.planned - t.completed - t.running - t.failed - t.diverged);
  const parts: [number, string][] = [[t.completed, 'completed'], [t.running, 'running'], [t.failed, 'failed'], [t.diverged, 'diverged'], [rest, ENDED_PHASES.has(opts.phase) ? 'stopped' : 'waiting']];
  const shown = parts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`);
  return `${t.planned}${opts.budget ? ` of ${opts.budget}` : ''} created${shown.length ? `: ${shown.join(', ')}` : ''}`;
}
