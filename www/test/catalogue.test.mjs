// The explain trail rendered on demand, and the catalogue of confirmed codes loaded beside the pack.
// Needs `npm run build`. Each test imports its own copy of the wrapper, so loaded catalogues and packs do not leak.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

let n = 0;
const fresh = async () => {
  const m = await import(`../src/index.js?catalogue=${++n}`);
  await m.init();
  return m;
};
const TODAY = { today: '2026-11-25' };
const basket = (items) => ({ destination: 'GB', date: '2026-11-25', currency: 'GBP', channel: 'courier', incoterm: 'DDP', items });
const tee = { id: 'tee-01', description: 'Printed tee', origin: 'CN', quantity: 1, unit_price: '200.00' };
const book = { id: 'book-9', description: 'Printed book', hs_code: '490199', origin: 'US', quantity: 2, unit_price: '80.00' };
const catalogue = (entries) => ({ format: 'landed-catalogue', version: 1, platform: 'shop-1', exported_on: '2026-11-24', hs_edition: 2022, entries });
const confirmedTee = { sku: 'tee-01', hs_code: '61091000', source: 'customs_assessed', confirmed_on: '2026-11-02', destination: 'GB' };

test('the explain trail is rendered on first read and explains exactly the figures returned', async () => {
  const m = await fresh();
  const q = m.quote(basket([{ ...tee, hs_code: '610910' }, book]), TODAY);
  const d = Object.getOwnPropertyDescriptor(q, 'explain');
  assert.equal(typeof d.get, 'function', 'explain is computed on demand');
  assert.ok(d.enumerable, 'and enumerable, so JSON.stringify and spreads include it');
  const trail = q.explain;
  assert.equal(q.explain, trail, 'rendered once');
  const byFigure = Object.fromEntries(trail.map((e) => [e.figure, e]));
  assert.equal(byFigure['totals.landed_cost'].amount, q.totals.landed_cost);
  q.lines.forEach((l, i) => {
    assert.equal(byFigure[`lines[${i}].duty`].amount, l.duty.amount);
    assert.equal(byFigure[`lines[${i}].tax`].amount, l.tax.amount);
  });
  for (const e of trail) {
    assert.ok(e.formula.length > 0 && e.reference.startsWith('http') && /^\d{4}-\d{2}-\d{2}$/.test(e.effective), JSON.stringify(e));
  }
  const json = JSON.parse(JSON.stringify(q));
  assert.deepEqual(json.explain, trail);
  assert.deepEqual({ ...q }.explain, trail);
});

test('reading the trail after init() loaded another pack is pack_changed, never a trail of other figures', async () => {
  const m = await fresh();
  const q = m.quote(basket([book]), TODAY);
  await m.init(undefined, { pack: await readFile(new URL('../../packs/landed.pack', import.meta.url)) });
  assert.throws(() => q.explain, (e) => e instanceof m.LandedError && e.code === 'pack_changed');
  assert.ok(m.quote(basket([book]), TODAY).explain.length > 0, 'a new quote explains itself');
});

test('a SKU in the loaded catalogue is quoted with its confirmed code, offline, without the classifier', async () => {
  const m = await fresh();
  const info = m.loadCatalogue(catalogue([confirmedTee]));
  assert.deepEqual(info, { platform: 'shop-1', exported_on: '2026-11-24', entries: 1 });
  const q = await m.quoteAsync(basket([tee, book]), TODAY);
  const [l] = q.lines;
  assert.deepEqual([l.hs_code, l.hs_source, l.hs_confirmed], ['61091000', 'catalogue', { source: 'customs_assessed', confirmed_on: '2026-11-02', destination: 'GB' }]);
  assert.equal(l.hs_confidence, undefined, 'no classifier ran');
  assert.equal(q.lines[1].hs_source, 'merchant');
  // The same quote as a merchant code would give, to the penny.
  const given = m.quote(basket([{ ...tee, hs_code: '61091000' }, book]), TODAY);
  assert.deepEqual(q.totals, given.totals);
  // Unloaded: the item is uncoded again.
  assert.equal(m.loadCatalogue(null), null);
  const bare = m.quote(basket([tee, book]), TODAY);
  assert.equal(bare.lines[0].hs_source, 'missing');
  assert.ok(bare.warnings.some((w) => w.code === 'hs_code_missing' && w.item === 'tee-01'));
});

test('a merchant code that customs corrected gives way, with a warning', async () => {
  const m = await fresh();
  m.loadCatalogue(JSON.stringify(catalogue([confirmedTee])));
  const q = m.quote(basket([{ ...tee, hs_code: '490199' }]), TODAY);
  assert.equal(q.lines[0].hs_code, '61091000');
  const w = q.warnings.find((x) => x.code === 'hs_code_corrected');
  assert.equal(w.item, 'tee-01');
  assert.match(w.message, /490199/);
});

test('a bad catalogue file is a typed error naming the field, and the loaded one stays', async () => {
  const m = await fresh();
  m.loadCatalogue(catalogue([confirmedTee]));
  for (const [file, code, path] of [
    [catalogue([{ ...confirmedTee, hs_code: '61X910' }]), 'invalid_hs_code', 'entries[0].hs_code'],
    [catalogue([{ ...confirmedTee, hs_code: '999999' }]), 'hs_code_unknown', 'entries[0].hs_code'],
    [catalogue([{ ...confirmedTee, confirmed_on: '2026-02-30' }]), 'invalid_date', 'entries[0].confirmed_on'],
    [catalogue([confirmedTee, { ...confirmedTee, hs_code: '610990' }]), 'duplicate_entry', 'entries[1]'],
    [catalogue([{ ...confirmedTee, price: '9.99' }]), 'unknown_field', 'entries[0]'],
    [{ ...catalogue([]), format: 'something-else' }, 'invalid_value', 'format'],
    ['{"format":', 'invalid_json', undefined],
    [42, 'invalid_json', ''],
  ]) {
    assert.throws(() => m.loadCatalogue(file), (e) => e instanceof m.LandedError && e.code === code && (path === undefined || e.path === path), `${code} ${path}`);
  }
  assert.equal(m.quote(basket([tee]), TODAY).lines[0].hs_source, 'catalogue', 'the earlier catalogue is still loaded');
});
