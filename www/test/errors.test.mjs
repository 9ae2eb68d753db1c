// Bad input reaches JS as LandedError (an Error with `code` and `path`), never a bare string or a trap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init, quote, packInfo, LandedError } from '../src/index.js';

const pack = await init();

const basket = () => ({
  destination: 'DE',
  date: '2026-11-25',
  currency: 'EUR',
  channel: 'courier',
  items: [{ id: 'tee', description: 'Cotton T-shirt', hs_code: '610910', origin: 'CN', quantity: 2, unit_price: '19.99' }],
  shipping: '4.90',
});

function throwsLanded(fn, code, path) {
  let err;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  assert.ok(err, 'did not throw');
  assert.ok(err instanceof Error, 'not an Error');
  assert.ok(err instanceof LandedError, 'not a LandedError');
  assert.equal(err.name, 'LandedError');
  assert.equal(err.code, code, err.message);
  if (path !== undefined) assert.equal(err.path, path, err.message);
  assert.equal(typeof err.message, 'string');
  return err;
}

test('a good basket quotes, amounts are strings', () => {
  const q = quote(basket());
  assert.equal(q.destination, 'DE');
  assert.equal(typeof q.totals.landed_cost, 'string');
  assert.match(q.totals.landed_cost, /^\d+\.\d{2}$/);
});

test('bad JSON text', () => throwsLanded(() => quote('{"destination": "DE",'), 'invalid_json'));
test('not an object', () => throwsLanded(() => quote(42), 'invalid_json', ''));
test('undefined basket', () => throwsLanded(() => quote(undefined), 'invalid_json', ''));
test('a cycle cannot be stringified', () => {
  const b = basket();
  b.self = b;
  throwsLanded(() => quote(b), 'invalid_json', '');
});

test('unknown field', () => {
  const b = basket();
  b.items[0].colour = 'red';
  throwsLanded(() => quote(b), 'unknown_field', 'items[0]');
});

test('unknown top-level field', () => throwsLanded(() => quote({ ...basket(), coupon: 'X' }), 'unknown_field', ''));

test('missing field', () => {
  const b = basket();
  delete b.currency;
  throwsLanded(() => quote(b), 'missing_field');
});

test('negative amount', () => {
  const b = basket();
  b.items[0].unit_price = '-5.00';
  throwsLanded(() => quote(b), 'negative_amount', 'items[0].unit_price');
});

test('a number where a decimal string is expected', () => {
  const b = basket();
  b.items[0].unit_price = 19.99;
  throwsLanded(() => quote(b), 'invalid_value', 'items[0].unit_price');
});

test('invalid amount', () => {
  const b = basket();
  b.shipping = '4,90';
  throwsLanded(() => quote(b), 'invalid_amount', 'shipping');
});

test('zero quantity', () => {
  const b = basket();
  b.items[0].quantity = 0;
  throwsLanded(() => quote(b), 'invalid_quantity', 'items[0].quantity');
});

test('unknown country', () => throwsLanded(() => quote({ ...basket(), destination: 'XX' }), 'unknown_country', 'destination'));
test('empty basket', () => throwsLanded(() => quote({ ...basket(), items: [] }), 'empty_basket', 'items'));
test('more items than a basket may hold: the core refuses it, as in the CLI and the server', () => {
  const item = basket().items[0];
  const items = (n) => Array.from({ length: n }, (_, i) => ({ ...item, id: `i${i}` }));
  assert.equal(quote({ ...basket(), items: items(1000) }).lines.length, 1000);
  throwsLanded(() => quote({ ...basket(), items: items(1001) }), 'too_many_items', 'items');
});
test('loose amounts and codes no subheading names are refused, as in the CLI and the server', () => {
  for (const bad of ['1_000', ' 3.00', '.5', '5.', '+5', '1e3']) {
    throwsLanded(() => quote({ ...basket(), items: [{ ...basket().items[0], unit_price: bad }] }), 'invalid_amount', 'items[0].unit_price');
  }
  throwsLanded(() => quote({ ...basket(), items: [{ ...basket().items[0], hs_code: '9999999999' }] }), 'hs_code_unknown', 'items[0].hs_code');
  throwsLanded(() => quote(JSON.stringify(basket()) + JSON.stringify(basket())), 'invalid_json', '');
});
test('bad date', () => throwsLanded(() => quote({ ...basket(), date: '25/11/2026' }), 'invalid_date', 'date'));
test('bad options.today', () => {
  const b = basket();
  delete b.date;
  throwsLanded(() => quote(b, { today: 'tomorrow' }), 'invalid_date', 'today');
});
test('Canada needs a province', () =>
  throwsLanded(() => quote({ ...basket(), destination: 'CA', currency: 'CAD' }), 'invalid_region', 'destination_region'));

test('without a date, today comes from JS Date (UTC)', () => {
  const b = basket();
  delete b.date;
  const q = quote(b);
  assert.equal(q.date, new Date().toISOString().slice(0, 10));
  assert.equal(quote(b, { today: '2026-11-25' }).date, '2026-11-25');
});

test('packInfo lists the destinations', () => {
  const p = packInfo();
  assert.deepEqual(p, pack);
  assert.ok(p.id && p.version && /^\d{4}-\d{2}-\d{2}$/.test(p.build_date));
  assert.ok(p.destinations.length >= 30, `${p.destinations.length} destinations`);
  const ca = p.destinations.find((d) => d.code === 'CA');
  assert.ok(ca.regions.some((r) => r.code === 'ON'));
  assert.ok(p.datasets.length > 0);
});

test('a bad pack is refused with a pack code, and the old pack stays loaded', async () => {
  await assert.rejects(init(undefined, { pack: new Uint8Array([1, 2, 3]) }), (e) => e instanceof LandedError && e.code === 'pack_bad_magic');
  assert.equal(quote(basket()).destination, 'DE');
});

test('errors survive many calls (no leaked state after errors)', () => {
  for (let i = 0; i < 200; i++) {
    try { quote('{'); } catch { /* expected */ }
  }
  assert.equal(quote(basket()).destination, 'DE');
});

test('an amount near the decimal maximum is a typed error, never a trap, and the next call works', () => {
  // The core bounds amounts so every computation stays exact; should a trap ever happen anyway, the wrapper
  // answers internal_error and switches to a fresh instance.
  const b = { ...basket(), insurance: '7922816251426433759354395033.5' };
  for (let i = 0; i < 3; i++) {
    let err;
    try { quote(b); } catch (e) { err = e; }
    assert.ok(err instanceof LandedError, `not a LandedError: ${err}`);
    assert.equal(err.code, 'amount_too_large');
    assert.equal(err.path, 'insurance');
    assert.equal(quote(basket()).destination, 'DE');
    throwsLanded(() => quote('{'), 'invalid_json');
  }
});
