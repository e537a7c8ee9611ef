/** The `slab` command. */
import { Command } from 'commander';
import { registerClientCommands, explainError } from './commands/client';
import { registerStackCommands } from './commands/stack';
import { registerFitCommand } from './commands/fit';

export function buildProgram(): Command {
  const program = new Command('slab')
    .description('Scaling Lab: plan, run and read scaling-law sweeps')
    .version('0.1.0')
    .showHelpAfterError();
  registerStackCommands(program);
  registerClientCommands(program);
  registerFitCommand(program);
  return program;
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').slice(-3).join('/'));
if (isMain) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      console.error(`slab: ${explainError(err)}`);
      process.exit(1);
    });
}
