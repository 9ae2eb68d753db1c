// Measures, in a fresh Node process each time, what a page pays before its first quote: `await init(bytes)` of the
// package (compile + instantiate the quote module and load the embedded all-destinations pack), then the first
// quote. Other fresh processes time the parts alone on the raw wasm-bindgen glue.
// Usage: node bench/init.bench.mjs [processes]   (after `npm run build`). Prints medians and ranges.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RUNS = Number(process.argv[2] ?? 9);
const BASKET = { destination: 'DE', currency: 'EUR', channel: 'post', items: [{ id: 'a', description: 'Book', hs_code: '490199', origin: 'US', quantity: 1, unit_price: '10.00' }] };
const child = process.env.LANDED_INIT_CHILD;
if (child) {
  const { readFile } = await import('node:fs/promises');
  const { performance } = await import('node:perf_hooks');
  const bytes = await readFile(new URL('../pkg/landed_wasm_bg.wasm', import.meta.url));
  if (child === 'package') {
    const { init, quote } = await import('../src/index.js');
    const t0 = performance.now();
    await init(bytes);
    const t1 = performance.now();
    quote(BASKET, { today: '2026-11-25' });
    console.log(JSON.stringify({ init: t1 - t0, first: performance.now() - t1 }));
  } else {
    const glue = await import('../pkg/landed_wasm.js');
    const c0 = performance.now();
    const module = await WebAssembly.compile(bytes);
    const c1 = performance.now();
    glue.initSync({ module });
    const c2 = performance.now();
    glue.init();
    console.log(JSON.stringify({ compile: c1 - c0, instantiate: c2 - c1, pack: performance.now() - c2 }));
  }
} else {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    for (const mode of ['package', 'parts']) {
      const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url)], { env: { ...process.env, LANDED_INIT_CHILD: mode } });
      runs.push(JSON.parse(out.toString()));
    }
  }
  const med = (k) => {
    const v = runs.map((r) => r[k]).filter((x) => x !== undefined).sort((a, b) => a - b);
    return `${v[Math.floor(v.length / 2)].toFixed(1)} ms (${v[0].toFixed(1)}–${v[v.length - 1].toFixed(1)})`;
  };
  console.log(`node ${process.version}, ${RUNS} fresh processes each`);
  console.log(`init(bytes): compile + instantiate + load the embedded pack: median ${med('init')}`);
  console.log(`  the parts alone: compile ${med('compile')}; instantiate (sync) ${med('instantiate')}; load the pack ${med('pack')}`);
  console.log(`first quote after init: median ${med('first')}`);
}
