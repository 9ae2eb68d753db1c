// Measures the HS classifier module in Node and in headless Chromium: load (compile the tract module, read and
// optimise the model) and the median time of classify() for marketplace titles and a long description.
// Usage: node bench/classify.bench.mjs [iterations]   (after `npm run build`; Chromium part needs /usr/bin/chromium)
import { performance } from 'node:perf_hooks';
import { inChromium } from './chromium.mjs';

const ITER = Number(process.argv[2] ?? 300);
const TEXTS = [
  "Men's 100% Cotton Crew Neck T-Shirt, Short Sleeve | Clothing > Men > Tops & Tees",
  'Stoneware coffee mug, hand-glazed, 350 ml',
  'Wireless Bluetooth over-ear headphones with noise cancelling | Electronics > Audio',
  'Leather handbag with zip closure | Women > Bags',
  "The merchandise is a stainless steel chef's knife with a fixed 20 cm blade of high-carbon stainless steel, a riveted wooden handle and a full tang, designed for cutting food in household kitchens.",
];

async function measure(mod, iter) {
  const t0 = performance.now();
  await mod.loadClassifier();
  const load = performance.now() - t0;
  for (let i = 0; i < 50; i++) mod.classify(TEXTS[i % TEXTS.length], 5);
  const ts = [];
  for (let i = 0; i < iter; i++) {
    const s = performance.now();
    mod.classify(TEXTS[i % TEXTS.length], 5);
    ts.push(performance.now() - s);
  }
  ts.sort((a, b) => a - b);
  return { load, median: ts[Math.floor(ts.length / 2)], p90: ts[Math.floor(ts.length * 0.9)] };
}

const node = await measure(await import('../src/classify.js'), ITER);
console.log(`node ${process.version}: load ${node.load.toFixed(1)} ms; classify median ${node.median.toFixed(3)} ms, p90 ${node.p90.toFixed(3)} ms over ${ITER}`);

await inChromium(async (page) => {
  const r = await page.evaluate(async ([texts, iter]) => {
    const mod = await import('/src/classify.js');
    const t0 = performance.now();
    await mod.loadClassifier();
    const load = performance.now() - t0;
    for (let i = 0; i < 50; i++) mod.classify(texts[i % texts.length], 5);
    const ts = [];
    for (let i = 0; i < iter; i++) { const s = performance.now(); mod.classify(texts[i % texts.length], 5); ts.push(performance.now() - s); }
    ts.sort((a, b) => a - b);
    return { load, median: ts[Math.floor(ts.length / 2)], p90: ts[Math.floor(ts.length * 0.9)], ua: navigator.userAgent };
  }, [TEXTS, ITER]);
  console.log(`chromium (${r.ua.match(/Chrome\/[\d.]+/)?.[0]}): load ${r.load.toFixed(1)} ms; classify median ${r.median.toFixed(3)} ms, p90 ${r.p90.toFixed(3)} ms over ${ITER}`);
});
