/** `npm run build -w @slab/console [outDir]`: bundle the console and print where it went. */
import { buildConsole } from './build';

const started = Date.now();
buildConsole(process.argv[2])
  .then((dir) => console.log(`console built into ${dir} in ${Date.now() - started} ms`))
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
