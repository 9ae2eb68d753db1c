// Generates www/src/types/{basket,quote,catalogue}.d.ts from the core's JSON Schemas (schema/*.schema.json,
// emitted from the Rust types with schemars). Run by scripts/build-wasm.sh; the output is committed.
import { compile } from 'json-schema-to-typescript';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

// schemars writes `{ "$ref": ..., "description": ... }` for documented fields; the generator would turn each
// such use into a new type (`Totals1`), so keep only the reference: the type carries its own description.
const refsOnly = (node) => {
  if (Array.isArray(node)) return node.map(refsOnly);
  if (node && typeof node === 'object') {
    if (typeof node.$ref === 'string') return { $ref: node.$ref };
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, refsOnly(v)]));
  }
  return node;
};

const schemaDir = new URL('../../schema/', import.meta.url);
const outDir = new URL('../src/types/', import.meta.url);
await mkdir(outDir, { recursive: true });
for (const name of ['basket', 'quote', 'catalogue']) {
  const schema = refsOnly(JSON.parse(await readFile(new URL(`${name}.schema.json`, schemaDir), 'utf8')));
  const ts = await compile(schema, schema.title ?? name, {
    bannerComment: `/* Generated from schema/${name}.schema.json by www/scripts/gen-types.mjs. Do not edit. */`,
    additionalProperties: false,
    strictIndexSignatures: true,
    cwd: fileURLToPath(schemaDir),
  });
  await writeFile(new URL(`${name}.d.ts`, outDir), ts);
  console.log(`www/src/types/${name}.d.ts`);
}
