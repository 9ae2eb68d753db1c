// The golden corpus (tests/cases/**/*.yaml) through the built WASM package, compared as the core's golden test does.
// Needs `npm run build` (www/pkg/). Cases with `pending:` are skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init, quote } from '../src/index.js';
import { loadAll, check, TODAY } from './support/cases.mjs';

await init();
const cases = loadAll();

test('the corpus is not empty', () => assert.ok(cases.length > 50, `only ${cases.length} cases`));

for (const c of cases) {
  test(c.name, { skip: c.pending ? `pending: ${c.pending}` : false }, () => {
    let result;
    try {
      result = { quote: quote(c.basket, { today: TODAY }) };
    } catch (e) {
      assert.equal(e.name, 'LandedError', `not a LandedError: ${e}`);
      result = { error: e };
    }
    const errs = check(c, result);
    assert.deepEqual(errs, [], `${c.file}\n  ${errs.join('\n  ')}`);
  });
}

test('a basket as JSON text gives the same quote as the object', () => {
  const c = cases.find((x) => !x.pending && !x.expect?.error);
  assert.deepEqual(quote(JSON.stringify(c.basket), { today: TODAY }), quote(c.basket, { today: TODAY }));
});
