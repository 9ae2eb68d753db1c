// The classifier module in Node: loaded lazily from the package's own files, it reproduces the training side's golden
// outputs (models/hs-classifier/dist/golden.jsonl) within 1e-4, refuses blank text with a typed error, and
// quoteAsync() classifies items without an HS code before quoting. Needs `npm run build`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { init, quote, quoteAsync, classify as classifyLazily, LandedError } from '../src/index.js';
import { loadClassifier, classify } from '../src/classify.js';

const golden = readFileSync(new URL('../../models/hs-classifier/dist/golden.jsonl', import.meta.url), 'utf8')
  .split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));

test('classify() before loading is not_initialized', () => {
  assert.throws(() => classify('Wristwatch'), (e) => e instanceof LandedError && e.code === 'not_initialized');
});

test('the WASM classifier reproduces the golden outputs', async () => {
  const { labels } = await loadClassifier();
  assert.ok(labels > 1000, `${labels} labels`);
  let checked = 0;
  for (const g of golden) {
    if (!g.text.trim()) continue;
    const got = classify(g.text, g.codes.length);
    g.codes.forEach((code, k) => {
      const hit = got.find((c) => c.hs_code === code);
      // A code may swap rank with a tie inside the tolerance; its score must still match.
      const score = hit ? hit.score : got[k].score;
      assert.ok(Math.abs(score - g.scores[k]) <= 1e-4, `${g.text.slice(0, 40)}: ${code} ${score} vs ${g.scores[k]}`);
    });
    checked++;
  }
  assert.ok(checked >= 20, `${checked} golden texts`);
});

test('index.js classify() loads the module on demand and agrees with it', async () => {
  const lazy = await classifyLazily("Men's cotton crew-neck T-shirt", 3);
  assert.deepEqual(lazy, classify("Men's cotton crew-neck T-shirt", 3));
  await assert.rejects(classifyLazily(''), (e) => e instanceof LandedError && e.code === 'empty_text');
});

test('blank text is empty_text; bad k is invalid_value; long and non-English text run', async () => {
  await loadClassifier();
  assert.throws(() => classify('   '), (e) => e instanceof LandedError && e.code === 'empty_text' && e.path === 'text');
  assert.throws(() => classify('Wristwatch', 0), (e) => e instanceof LandedError && e.code === 'invalid_value');
  assert.equal(classify('Stainless steel kitchen knife. '.repeat(20_000), 3).length, 3);
  assert.equal(classify('男士棉质T恤', 5).length, 5);
});

test('quoteAsync classifies uncoded items; coded baskets never load the classifier path', async () => {
  await init();
  const base = { destination: 'GB', currency: 'GBP', channel: 'courier', incoterm: 'DDP', date: '2026-11-25', shipping: '9.00' };
  const coded = { ...base, items: [{ id: 't', description: "Men's cotton T-shirt", hs_code: '610910', origin: 'CN', quantity: 1, unit_price: '200.00' }] };
  assert.deepEqual(await quoteAsync(coded), quote(coded));
  const uncoded = { ...base, items: [{ id: 't', description: "Men's cotton crew-neck T-shirt, knitted", origin: 'CN', quantity: 1, unit_price: '200.00' }] };
  const q = await quoteAsync(uncoded);
  const line = q.lines[0];
  assert.equal(line.hs_source, 'classifier');
  assert.match(line.hs_code, /^\d{6}$/);
  assert.equal(typeof line.hs_confidence, 'number');
  // The same ranking handed over explicitly gives the same quote (the quote module does not classify itself).
  const ranked = classify(uncoded.items[0].description, 3);
  assert.deepEqual(quote(uncoded, { classified: { [uncoded.items[0].description]: ranked } }), q);
  // Without the ranking the quote module reports the item as uncoded, not classified.
  assert.equal(quote(uncoded).lines[0].hs_source, 'missing');
  // A blank description of an uncoded item is a typed error with the item's path.
  await assert.rejects(quoteAsync({ ...base, items: [{ ...uncoded.items[0], description: ' ' }] }),
    (e) => e instanceof LandedError && e.code === 'empty_text' && e.path === 'items[0].description');
});
