// Measures, in a fresh Node process each time, what a page pays before its first quote: compile + instantiate the
// quote module and load the embedded all-destinations pack (`await init(bytes)`), then the first quote.
// Usage: node bench/init.bench.mjs [processes]   (after `npm run build`). Prints the median and the range.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RUNS = Number(process.argv[2] ?? 9);
if (process.env.LANDED_INIT_CHILD) {
  const { readFile } = await import('node:fs/promises');
  const { performance } = await import('node:perf_hooks');
  const bytes = await readFile(new URL('../pkg/landed_wasm_bg.wasm', import.meta.url));
  const glue = await import('../pkg/landed_wasm.js');
  const c0 = performance.now();
  const module = await WebAssembly.compile(bytes);
  const c1 = performance.now();
  await glue.default({ module_or_path: module });
  const c2 = performance.now();
  glue.init();
  const c3 = performance.now();
  const { init, quote } = await import('../src/index.js');
  const t0 = performance.now();
  await init(bytes);
  const t1 = performance.now();
  quote({ destination: 'DE', currency: 'EUR', channel: 'post', items: [{ id: 'a', description: 'Book', hs_code: '490199', origin: 'US', quantity: 1, unit_price: '10.00' }] }, { today: '2026-11-25' });
  const t2 = performance.now();
  console.log(JSON.stringify({ init: t1 - t0, first: t2 - t1, compile: c1 - c0, instantiate: c2 - c1, pack: c3 - c2 }));
} else {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url)], { env: { ...process.env, LANDED_INIT_CHILD: '1' } });
    runs.push(JSON.parse(out.toString()));
  }
  const med = (k) => { const v = runs.map((r) => r[k]).sort((a, b) => a - b); return `median ${v[Math.floor(v.length / 2)].toFixed(1)} ms (${v[0].toFixed(1)}–${v[v.length - 1].toFixed(1)})`; };
  console.log(`node ${process.version}, ${RUNS} fresh processes`);
  console.log(`compile + instantiate + init(embedded pack): ${med('init')}`);
  console.log(`  of which, measured apart on the raw glue: compile ${med('compile')}; instantiate ${med('instantiate')}; load the pack ${med('pack')}`);
  console.log(`first quote after init: ${med('first')}`);
}
