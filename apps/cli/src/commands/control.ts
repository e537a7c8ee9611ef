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

/** What the action does, said after it was accepted. */
export function sentLine(id: string, action: ControlAction, running: number): string {
  const one = running === 1;
  const them = `${running} running trial${one ? '' : 's'}`;
  const [finish, are] = one ? ['finishes', 'is'] : ['finish', 'are'];
  switch (action) {
    case 'pause':
      return `pause sent to ${id}: no new trial starts until \`slab resume ${id}\`; the ${them} ${finish}`;
    case 'resume':
      return `resume sent to ${id}: new trials start again`;
    case 'cancel':
      return `cancel sent to ${id}: the ${them} ${are} stopped now and the sweep ends (cancelled)`;
    case 'stop':
      return `cancel (let finish) sent to ${id}: no new trial starts; the ${them} ${finish} and ${are} fitted, then the sweep ends (cancelled)`;
  }
}

/** Sends `verb` unless it would change nothing; returns the one line to print. */
export async function control(client: GatewayClient, id: string, verb: ControlVerb, opts: { letFinish?: boolean } = {}): Promise<string> {
  const { status } = await client.getSweep(id);
  const unchanged = unchangedBy(verb, status.phase);
  if (unchanged) return `sweep ${id} ${unchanged}: nothing changed`;
  const action: ControlAction = verb === 'cancel' && opts.letFinish ? 'stop' : verb;
  await client.control(id, action);
  return sentLine(id, action, status.trials.running);
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
