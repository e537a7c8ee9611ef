/** Entry point of the `slab` command. */
import { explainError } from './commands/client';
import { buildProgram } from './program';

buildProgram()
  .parseAsync(process.argv)
  .catch(async (err: unknown) => {
    console.error(`slab: ${await explainError(err)}`);
    process.exit(1);
  });
