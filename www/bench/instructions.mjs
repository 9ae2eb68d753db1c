// Quotes the 5-item DE basket (basket.mjs) N times through the package's quote(), nothing else: run under
// callgrind by instructions.sh. Usage: node bench/instructions.mjs WASM N
import { readFile } from 'node:fs/promises';
import { init, quote } from '../src/index.js';
import { basket } from './basket.mjs';

const [wasm, n] = process.argv.slice(2);
await init(await readFile(wasm));
const opts = { today: '2026-11-25' };
for (let i = 0; i < Number(n); i++) quote(basket, opts);
