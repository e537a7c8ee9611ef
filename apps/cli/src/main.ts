/** Entry point of the `slab` command. */
import { explainError } from './commands/client';
import { buildProgram } from './program';
import { relaunchTrustingCa } from './ca';

let relaunched = false;
try {
  // `--ca FILE` / SLAB_CA: run again trusting it (Node reads extra CAs only at start-up).
  relaunched = relaunchTrustingCa();
} catch (err) {
  console.error(`slab: ${(err as Error).message}`);
  process.exit(2);
}
if (!relaunched) {
  buildProgram()
    .parseAsync(process.argv)
    .catch(async (err: unknown) => {
      console.error(`slab: ${await explainError(err)}`);
      process.exit(1);
    });
}
