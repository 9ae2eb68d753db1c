// Measures the HS classifier module in Node and in headless Chromium: load (compile the tract module, read and
// optimise the model) and the median time of classify() for marketplace titles and a long description.
// Usage: node bench/classify.bench.mjs [iterations]   (after `npm run build`; Chromium part needs /usr/bin/chromium)
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startServer } from '../serve.mjs';

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

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
if (existsSync(CHROMIUM)) {
  const { chromium } = await import('playwright-core');
  const server = await startServer(0);
  const profile = mkdtempSync(join(tmpdir(), 'landed-bench-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    await page.goto(`http://127.0.0.1:${server.address().port}/demo/`);
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
  } finally {
    await ctx.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
} else {
  console.log(`chromium: skipped (no ${CHROMIUM})`);
}
