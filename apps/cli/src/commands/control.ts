/**
 * `slab pause | resume | cancel ID`: one line saying what was asked and what it does to the trials, or
 * that nothing changed (exit 0) when the sweep is already in the asked-for state. `cancel` stops running
 * trials now; `cancel --let-finish` starts no new trial and lets the running ones finish (W&B's sweep
 * "cancel" and "stop").
 */
import type { Command } from 'commander';
import type { ControlAction, GatewayClient, SweepPhase } from '@slab/api';
import { ENDED_PHASES } from '../format';

export type ControlVerb = 'pause' | 'resume' | 'cancel';

/** Why `verb` would change nothing for a sweep in `phase`; undefined when it would change something. */
export function unchangedBy(verb: ControlVerb, phase: SweepPhase): string | undefined {
  if (ENDED_PHASES.has(phase)) return `has already ended (${phase})`;
  if (verb === 'pause' && phase === 'paused') return 'is already paused';
  if (verb === 'resume' && phase !== 'paused') return `is not paused (${phase})`;
  return undefined;
}

/**
 * What the action does, said after it was accepted. `queued`: trials already handed to the workers'
 * queue that no worker has started yet; pause and stop do not hold them back (they start when a worker
 * is free), cancel stops them with the rest.
 */
export function sentLine(id: string, action: ControlAction, running: number, queued = 0): string {
  const count = (n: number, what: string) => `${n} ${what} trial${n === 1 ? '' : 's'}`;
  const verb = (n: number, one: string, many: string) => (n === 1 ? one : many);
  const active = running > 0 && queued > 0 ? `the ${count(running, 'running')} and ${count(queued, 'queued')}` : running > 0 ? `the ${count(running, 'running')}` : `the ${count(queued, 'queued')}`;
  const finishing = running + queued;
  const left =
    running > 0 && queued > 0
      ? `the ${count(running, 'running')} ${verb(running, 'finishes', 'finish')}; the ${count(queued, 'queued')} still ${verb(queued, 'starts', 'start')} when a worker is free`
      : running > 0
        ? `the ${count(running, 'running')} ${verb(running, 'finishes', 'finish')}`
        : `the ${count(queued, 'queued')} still ${verb(queued, 'starts', 'start')} when a worker is free`;
  switch (action) {
    case 'pause':
      return `pause sent to ${id}: no new trial starts until \`slab resume ${id}\`; ${finishing ? left : 'no trial is running'}`;
    case 'resume':
      return `resume sent to ${id}: new trials start again`;
    case 'cancel':
      return `cancel sent to ${id}: ${finishing ? `${active} ${verb(finishing, 'is', 'are')} stopped now and ` : 'no trial is running; '}the sweep ends (cancelled)`;
    case 'stop': {
      const then = !finishing ? 'no trial is running, so' : running > 0 && queued > 0 ? `${left}; all are fitted, then` : `${left} and ${verb(finishing, 'is', 'are')} fitted, then`;
      return `cancel (let finish) sent to ${id}: no new trial starts; ${then} the sweep ends (cancelled)`;
    }
  }
}

/** Sends `verb` unless it would change nothing; returns the one line to print. */
export async function control(client: GatewayClient, id: string, verb: ControlVerb, opts: { letFinish?: boolean } = {}): Promise<string> {
  const { status } = await client.getSweep(id);
  const unchanged = unchangedBy(verb, status.phase);
  if (unchanged) return `sweep ${id} ${unchanged}: nothing changed`;
  const action: ControlAction = verb === 'cancel' && opts.letFinish ? 'stop' : verb;
  await client.control(id, action);
  const t = status.trials;
  return sentLine(id, action, t.running, Math.max(0, t.planned - t.completed - t.running - t.failed - t.diverged));
}

const DESCRIPTIONS: Record<ControlVerb, string> = {
  pause: 'stop starting new trials (running trials finish) until `slab resume`',
  resume: 'start new trials again after `slab pause`',
  cancel: 'end a sweep now: running trials are stopped (--let-finish: no new trials, running ones finish)',
};

export function registerControlCommands(program: Command, withGateway: (c: Command) => Command, client: (opts: { gateway?: string }) => GatewayClient): void {
  for (const verb of ['pause', 'resume', 'cancel'] as const) {
    const command = withGateway(program.command(verb).argument('<id>', 'sweep id').description(DESCRIPTIONS[verb]));
    if (verb === 'cancel') command.option('--let-finish', 'start no new trial and let the running ones finish (and be fitted) before the sweep ends');
    command.action(async (id: string, opts: { gateway?: string; letFinish?: boolean }) => {
      console.log(await control(client(opts), id, verb, opts));
    });
  }
}
