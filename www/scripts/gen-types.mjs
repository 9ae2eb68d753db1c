// Generates www/src/types/{basket,quote}.d.ts from the core's JSON Schemas (schema/*.schema.json,
// emitted from the Rust types with schemars). Run by scripts/build-wasm.sh; the output is committed.
import { compileFromFile } from 'json-schema-to-typescript';
import { writeFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const schemaDir = new URL('../../schema/', import.meta.url);
const outDir = new URL('../src/types/', import.meta.url);
await mkdir(outDir, { recursive: true });
for (const name of ['basket', 'quote']) {
  const file = fileURLToPath(new URL(`${name}.schema.json`, schemaDir));
  const ts = await compileFromFile(file, {
    bannerComment: `/* Generated from schema/${name}.schema.json by www/scripts/gen-types.mjs. Do not edit. */`,
    additionalProperties: false,
    strictIndexSignatures: true,
    cwd: fileURLToPath(schemaDir),
  });
  await writeFile(new URL(`${name}.d.ts`, outDir), ts);
  console.log(`www/src/types/${name}.d.ts`);
}
