#!/usr/bin/env node
// The `slab` command. Runs the built CLI (apps/cli/dist) when it is current, else the TypeScript
// sources through tsx's loader (a few seconds more to start); see entry.js. Both run in this process,
// so signals and the exit code are the command's own. SLAB_VERBOSE=1 prints which one and why.
import { pathToFileURL } from 'node:url';
import { chooseEntry } from './entry.js';

const entry = chooseEntry(process.argv.slice(2));
if (process.env.SLAB_VERBOSE) console.error(`slab: running ${entry.kind === 'built' ? 'the built CLI' : 'the sources through tsx'}: ${entry.why}`);
if (entry.kind === 'source') (await import('tsx/esm/api')).register();
await import(pathToFileURL(entry.file).href);
