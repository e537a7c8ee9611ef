/**
 * Regenerates src/descriptor.ts from proto/metrics.proto. The descriptor is embedded as TS so
 * Node and the browser decode frames without reading files at run time.
 * Run: `npm run generate -w @slab/proto`.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const protoPath = fileURLToPath(new URL('../proto/metrics.proto', import.meta.url));
const outPath = fileURLToPath(new URL('../src/descriptor.ts', import.meta.url));

const json = protobuf.loadSync(protoPath).toJSON();
const body = JSON.stringify(json, null, 2);
writeFileSync(
  outPath,
  `// Generated from proto/metrics.proto by scripts/generate.ts; do not edit by hand.\n` +
    `// A test checks it still matches the .proto file.\n` +
    `export const descriptor = ${body};\n`,
);
console.log(`wrote ${outPath}`);
