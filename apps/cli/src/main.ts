/** Entry point of the `slab` command. */
import { explainError } from './commands/client';
import { buildProgram } from './program';

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    console.error(`slab: ${explainError(err)}`);
    process.exit(1);
  });
