// Measures, in Node: .wasm size (raw / gzip -9), compile + instantiate + init (embedded pack) time, and the median
// time of quote() on a 5-item basket. Usage: node bench/quote.bench.mjs [iterations]  (after `npm run build`)
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { basket } from './basket.mjs';
import { inChromium } from './chromium.mjs';

const ITER = Number(process.argv[2] ?? 2000);
const wasmUrl = new URL('../pkg/landed_wasm_bg.wasm', import.meta.url);
const bytes = await readFile(wasmUrl);
const gz = gzipSync(bytes, { level: 9 }).length;

const t0 = performance.now();
const { init, quote } = await import('../src/index.js');
const t1 = performance.now();
const info = await init(bytes); // compile + instantiate + decode/validate the embedded pack
const t2 = performance.now();
const packBytes = await readFile(new URL('../../packs/landed.pack', import.meta.url));
const p0 = performance.now();
await init(undefined, { pack: packBytes }); // decode + SHA-256 + validate the pack alone
const packLoad = performance.now() - p0;

const opts = { today: '2026-11-25' };
const first0 = performance.now();
quote(basket, opts);
const first = performance.now() - first0;
for (let i = 0; i < 200; i++) quote(basket, opts); // warm-up
const times = [];
for (let i = 0; i < ITER; i++) {
  const s = performance.now();
  quote(basket, opts);
  times.push(performance.now() - s);
}
times.sort((a, b) => a - b);
const pct = (p) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))];
// The same with the explain trail read (rendered by the engine on first read of q.explain).
const withTrail = [];
for (let i = 0; i < Math.max(200, ITER / 4); i++) {
  const s = performance.now();
  const q = quote(basket, opts);
  if (q.explain.length === 0) throw new Error('empty trail');
  withTrail.push(performance.now() - s);
}
withTrail.sort((a, b) => a - b);
const perDest = {};
for (const d of ['GB', 'US', 'CA', 'AU', 'JP', 'CH']) {
  const b = { ...basket, destination: d, ...(d === 'CA' ? { destination_region: 'ON' } : {}) };
  const ts = [];
  for (let i = 0; i < 300; i++) { const s = performance.now(); quote(b, opts); ts.push(performance.now() - s); }
  ts.sort((a, b2) => a - b2);
  perDest[d] = ts[150];
}
const ms = (x) => `${x.toFixed(3)} ms`;
console.log(`node ${process.version}, pack ${info.id}@${info.version} (${info.destinations.length} destinations)`);
console.log(`wasm: ${bytes.length} bytes raw, ${gz} bytes gzip -9 (${(gz / 1024).toFixed(1)} KiB; budget 300 KB)`);
console.log(`import glue: ${ms(t1 - t0)}; compile + instantiate + init(embedded pack): ${ms(t2 - t1)} (of which loading the pack: ~${ms(packLoad)})`);
console.log(`quote, 5-item DE basket: first ${ms(first)}; median ${ms(pct(50))}, p90 ${ms(pct(90))}, p99 ${ms(pct(99))} over ${ITER}`);
console.log(`quote + reading q.explain (the "why"): median ${ms(withTrail[Math.floor(withTrail.length / 2)])}`);
console.log(`median per destination: ${Object.entries(perDest).map(([d, t]) => `${d} ${ms(t)}`).join(', ')}`);

// The same in headless Chromium (bench/chromium.mjs: a fresh profile, the package served over HTTP as a page would
// load it).
await inChromium(async (page) => {
  const r = await page.evaluate(async ([b, o, iter]) => {
    const mod = await import(`/src/index.js?bench=${Date.now()}`);
    const bytes = await (await fetch('/pkg/landed_wasm_bg.wasm')).arrayBuffer();
    const t0 = performance.now();
    await mod.init(bytes);
    const init = performance.now() - t0;
    const f0 = performance.now();
    mod.quote(b, o);
    const first = performance.now() - f0;
    for (let i = 0; i < 200; i++) mod.quote(b, o);
    // performance.now() is coarse in a page that is not cross-origin isolated (100 µs here): time batches of 100
    // quotes and take the median of the batch means.
    const batches = (f, n) => {
      const ts = [];
      for (let k = 0; k < n; k++) { const s = performance.now(); for (let i = 0; i < 100; i++) f(); ts.push((performance.now() - s) / 100); }
      ts.sort((x, y) => x - y);
      return ts;
    };
    const ts = batches(() => mod.quote(b, o), Math.max(20, iter / 100));
    const tw = batches(() => mod.quote(b, o).explain, 20);
    return { init, first, median: ts[ts.length >> 1], p90: ts[Math.floor(ts.length * 0.9)], trail: tw[tw.length >> 1], ua: navigator.userAgent };
  }, [basket, opts, ITER]);
  // Chromium rounds performance.now() (5 µs steps, more without cross-origin isolation): medians over many runs.
  console.log(`chromium (${r.ua.match(/Chrome\/[\d.]+/)?.[0]}): init(bytes) ${ms(r.init)}; first quote ${ms(r.first)}; quote: median of batch means ${ms(r.median)} (p90 batch ${ms(r.p90)}) over ${ITER}; with the trail read ${ms(r.trail)}`);
});
