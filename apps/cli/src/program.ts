/** The `slab` command tree. */
import { Command } from 'commander';
import { registerClientCommands } from './commands/client';
import { registerStackCommands } from './commands/stack';
import { registerFitCommand } from './commands/fit';
import { registerPredictCommand } from './commands/predict';

export function buildProgram(): Command {
  const program = new Command('slab')
    .description('Scaling Lab: plan, run and read scaling-law sweeps')
    .version('0.1.0')
    .showHelpAfterError();
  registerStackCommands(program);
  registerClientCommands(program);
  registerFitCommand(program);
  registerPredictCommand(program);
  return program;
}

