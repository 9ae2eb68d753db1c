// The tape (crates/wasm/src/tape.rs, www/src/tape.js) against JSON: for every golden case, the quote decoded from
// tapes, explain trail included, serialises to exactly the JSON text the engine writes with serde_json (same keys,
// same order, same decimal strings). And the decoder's tables: a tape that does not extend them is refused, and the
// wrapper recovers by resetting both sides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init, quote, quoteJson } from '../src/index.js';
import { decode, Tables, TapeMismatch } from '../src/tape.js';
import * as glue from '../pkg/landed_wasm.js';
import { loadAll, TODAY } from './support/cases.mjs';

await init();
const cases = loadAll().filter((c) => !c.pending && !c.expect?.error);

test('every golden quote decoded from its tapes is the JSON text the engine writes', () => {
  assert.ok(cases.length > 50, `only ${cases.length} cases`);
  for (const c of cases) {
    const q = quote(c.basket, { today: TODAY });
    assert.ok(q.explain.length > 0, `${c.name}: no trail`);
    assert.equal(JSON.stringify(q), quoteJson(c.basket, { today: TODAY }), c.name);
  }
});

test('non-ASCII text keeps its place: offsets count UTF-16 units', () => {
  const c = cases.find((x) => x.basket.items.length > 1);
  const basket = structuredClone(c.basket);
  basket.items[0].id = 'tée-😀-Ωmega';
  basket.items[1].id = '東京-ß';
  const q = quote(basket, { today: TODAY });
  assert.equal(q.lines[0].id, 'tée-😀-Ωmega');
  assert.equal(q.lines[1].id, '東京-ß');
  assert.equal(JSON.stringify(q), quoteJson(basket, { today: TODAY }));
});

test('a tape that does not extend the decoder tables is refused, and a fresh-table tape resets them', () => {
  const text = JSON.stringify(cases[0].basket);
  const opts = { today: TODAY };
  // The engine's raw calls, as the wrapper makes them: the basket's UTF-8 into the module's memory, the tape read
  // where the engine leaves it.
  const { memory } = glue.initSync();
  const raw = () => {
    const bytes = new TextEncoder().encode(text);
    const at = glue.inputAt(bytes.length);
    new Uint8Array(memory.buffer, at, bytes.length).set(bytes);
    return new Uint32Array(memory.buffer, glue.quote(bytes.length, TODAY, undefined));
  };
  // A decoder that never saw this instance's earlier tapes.
  const stranger = new Tables();
  assert.throws(() => decode(raw(), stranger), TapeMismatch);
  // After a reset the engine sends everything again, marked as new tables: any decoder can read it.
  glue.tapeReset();
  const q = decode(raw(), stranger);
  assert.ok(stranger.atoms.includes('landed_cost'));
  // The wrapper's tables are of the epoch before the reset (however many entries they hold): it notices, resets
  // both sides and decodes correctly.
  const again = quote(text, opts);
  assert.equal(again.totals.landed_cost, q.totals.landed_cost);
  assert.equal(JSON.stringify(again), quoteJson(text, opts));
  // And the stranger, now behind, is refused rather than misled.
  assert.throws(() => decode(raw(), stranger), TapeMismatch);
  assert.throws(() => decode(new Uint32Array([1, 2, 3]), new Tables()), TapeMismatch);
});

test('a basket big enough to grow the module\'s memory quotes as its JSON says', () => {
  const { memory } = glue.initSync();
  const before = memory.buffer.byteLength;
  const c = cases.find((x) => x.basket.items.length > 1);
  // 1,000 lines (the most a basket may have), each with a 4 KB description: megabytes in, and out.
  const items = Array.from({ length: 1000 }, (_, i) => ({ ...c.basket.items[i % c.basket.items.length], id: `sku-${i}`, description: `${'ä'.repeat(2000)} ${i}` }));
  const basket = { ...c.basket, items };
  const q = quote(basket, { today: TODAY });
  assert.ok(memory.buffer.byteLength > before, 'the memory grew');
  assert.equal(q.lines.length, 1000);
  assert.equal(JSON.stringify(q), quoteJson(basket, { today: TODAY }));
  // And the views made before the growth are replaced: a small basket still quotes right after.
  assert.equal(JSON.stringify(quote(c.basket, { today: TODAY })), quoteJson(c.basket, { today: TODAY }));
});
