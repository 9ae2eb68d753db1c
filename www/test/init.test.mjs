// init() accepts the .wasm as nothing (default URL), bytes, a WebAssembly.Module or a file URL, and reports a
// missing module as LandedError `wasm_load_failed`. Each case imports its own copy of the wrapper.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

const WASM = new URL('../pkg/landed_wasm_bg.wasm', import.meta.url);
let n = 0;
const fresh = () => import(`../src/index.js?copy=${++n}`);
const basket = { destination: 'NL', date: '2026-11-25', currency: 'EUR', channel: 'post',
  items: [{ id: 'b', description: 'Printed book', hs_code: '490199', origin: 'US', quantity: 1, unit_price: '20.00' }] };

test('quote before init throws not_initialized', async () => {
  const m = await fresh();
  assert.throws(() => m.quote(basket), (e) => e instanceof m.LandedError && e.code === 'not_initialized');
});

for (const [name, input] of [
  ['default URL', async () => undefined],
  ['bytes', async () => readFile(WASM)],
  ['WebAssembly.Module', async () => WebAssembly.compile(await readFile(WASM))],
  ['file URL', async () => WASM],
  ['file URL string', async () => WASM.href],
]) {
  test(`init(${name})`, async () => {
    const m = await fresh();
    const info = await m.init(await input());
    assert.equal(info.id, 'landed-all');
    assert.equal(m.quote(basket).destination, 'NL');
    assert.equal(await m.init(), info, 'a second init() is the same load');
  });
}

test('a missing .wasm is wasm_load_failed', async () => {
  const m = await fresh();
  await assert.rejects(m.init(new URL('./nope.wasm', WASM)), (e) => e instanceof m.LandedError && e.code === 'wasm_load_failed');
});

test('another pack by bytes', async () => {
  const m = await fresh();
  const pack = await readFile(new URL('../../packs/landed.pack', import.meta.url));
  const info = await m.init(undefined, { pack });
  assert.equal(info.destinations.length, (await m.init()).destinations.length);
});
