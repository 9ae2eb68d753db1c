// Times quote() beside its JavaScript floor (bench/floor.mjs: JSON.stringify of the basket and decoding the
// engine's tape, no engine), in Node and in headless Chromium (Debian's), medians of 100-run batch means.
// Usage: node bench/floor.bench.mjs [batches]  (after `npm run build`)
import { readFile } from 'node:fs/promises';
import { basket } from './basket.mjs';
import { inChromium } from './chromium.mjs';
import { measureFloor } from './floor.mjs';
import * as index from '../src/index.js';
import * as glue from '../pkg/landed_wasm.js'; // the instance index.js sets up (same module URL)
import * as tape from '../src/tape.js';

const BATCHES = Number(process.argv[2] ?? 100);
const us = (x) => `${x.toFixed(1)} µs`;
const show = (where, r) =>
  console.log(`${where}: quote() ${us(r.quote)}; floor ${us(r.floor)} = JSON.stringify(basket) ${us(r.stringify)} + decode(tape) ${us(r.decode)}`);

await index.init(await readFile(new URL('../pkg/landed_wasm_bg.wasm', import.meta.url)));
show(`node ${process.version}`, measureFloor({ index, glue, tape, basket, batches: BATCHES }));

await inChromium(async (page) => {
  const r = await page.evaluate(async ([b, batches]) => {
    const [index, glue, tape, { measureFloor: m }] = await Promise.all(
      ['/src/index.js', '/pkg/landed_wasm.js', '/src/tape.js', '/bench/floor.mjs'].map((u) => import(u)));
    await index.init(await (await fetch('/pkg/landed_wasm_bg.wasm')).arrayBuffer());
    return { ...m({ index, glue, tape, basket: b, batches }), ua: navigator.userAgent };
  }, [basket, BATCHES]);
  show(`chromium ${r.ua.match(/Chrome\/[\d.]+/)?.[0]}`, r);
});
