// The published package, as a user gets it: `npm pack` makes the tarball, a fresh project installs it from the
// tarball (with Vite and TypeScript from the npm registry), and then
//   - Node 20 imports `landed` by name and quotes a basket,
//   - `tsc --strict` type-checks a TypeScript file against the shipped declarations (and rejects a wrong one),
//   - `vite build` bundles a page using `landed` and `<landed-quote>`; headless Chromium loads the built page and
//     its totals equal quote() run here.
// Needs `npm run build` and the npm registry; the browser part is skipped without Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../serve.mjs';
import { init, quote } from '../src/index.js';

const WWW = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const VITE = '8.3.8';
const TYPESCRIPT = '5.9.3';

const basket = {
  destination: 'GB', currency: 'GBP', channel: 'courier', incoterm: 'DDP', date: '2026-11-25', shipping: '9.00',
  items: [
    { id: 'jacket', description: 'Waterproof jacket', hs_code: '620140', origin: 'CN', quantity: 1, unit_price: '180.00' },
    { id: 'boots', description: 'Leather boots', hs_code: '640399', origin: 'VN', quantity: 1, unit_price: '120.00' },
  ],
};

let dir, tarball, expected;
const sh = (cmd, args, opts = {}) =>
  execFileSync(cmd, args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });

before(async () => {
  await init();
  expected = quote(basket);
  dir = mkdtempSync(join(tmpdir(), 'landed-pkg-'));
  const packed = JSON.parse(sh('npm', ['pack', '--json', '--pack-destination', dir], { cwd: WWW }));
  tarball = join(dir, packed[0].filename);
  const app = join(dir, 'app');
  mkdirSync(join(app, 'src'), { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'fresh-app', private: true, type: 'module' }));
  sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball, `vite@${VITE}`, `typescript@${TYPESCRIPT}`],
    { cwd: app });
  dir = app;
});

after(() => {
  if (dir) rmSync(join(dir, '..'), { recursive: true, force: true });
});

test('the tarball ships the module, the glue, the types and the element, and nothing else', () => {
  const files = JSON.parse(sh('npm', ['pack', '--dry-run', '--json'], { cwd: WWW }))[0].files.map((f) => f.path).sort();
  for (const f of ['pkg/landed_wasm_bg.wasm', 'pkg/landed_wasm.js', 'src/index.js', 'src/index.d.ts',
    'src/landed-quote.js', 'src/landed-quote.d.ts', 'src/tape.js', 'src/types/quote.d.ts', 'src/types/basket.d.ts', 'package.json',
    'src/classify.js', 'src/classify.d.ts', 'pkg/landed_wasm_classify_bg.wasm', 'pkg/landed_wasm_classify.js',
    'pkg/model/model.onnx', 'pkg/model/tokenizer.json', 'pkg/model/labels.json']) {
    assert.ok(files.includes(f), `${f} missing from ${files.join(', ')}`);
  }
  assert.deepEqual(files.filter((f) => /^(test|demo|bench|scripts)\//.test(f) || f.includes('node_modules')), []);
});

test(`Node ${process.version} imports the installed package by name and quotes`, () => {
  assert.match(process.version, /^v20\./, 'the project targets Node 20');
  const script = `import { init, quote, classify, LandedError } from 'landed';
    const info = await init();
    const q = quote(${JSON.stringify(basket)});
    let code; try { quote({ ...${JSON.stringify(basket)}, shipping: '-1' }); } catch (e) { code = e instanceof LandedError && e.code; }
    const ranked = await classify('Leather handbag', 3);
    console.log(JSON.stringify({ id: info.id, totals: q.totals, code, ranked }));`;
  const out = JSON.parse(sh(process.execPath, ['--input-type=module', '-e', script]));
  assert.equal(out.id, 'landed-all');
  assert.deepEqual(out.totals, expected.totals);
  assert.equal(out.code, 'negative_amount');
  assert.equal(out.ranked.length, 3);
  assert.ok(out.ranked.every((c) => /^\d{6}$/.test(c.hs_code) && c.score >= 0 && c.score <= 1));
});

test('tsc --strict accepts typed use of the package and rejects a number where an amount string belongs', () => {
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, target: 'es2022', module: 'esnext', moduleResolution: 'bundler',
      lib: ['es2022', 'dom'], skipLibCheck: false },
    include: ['src/*.ts'],
  }));
  writeFileSync(join(dir, 'src', 'ok.ts'), `import { init, quote, LandedError, type Basket, type Quote, type PackInfo } from 'landed';
import type { LandedQuoteElement } from 'landed/landed-quote';
const basket: Basket = ${JSON.stringify(basket)};
export async function run(): Promise<string> {
  const info: PackInfo = await init();
  const q: Quote = quote(basket, { today: '2026-11-25' });
  const first = q.lines[0];
  const why: string[] = q.explain.map((e) => \`\${e.figure}: \${e.formula} (\${e.reference})\`);
  const el = document.querySelector('landed-quote') as LandedQuoteElement | null;
  el?.addEventListener('landed-quote', (ev) => console.log(ev.detail.quote.totals.landed_cost));
  try { quote('{}'); } catch (e) { if (e instanceof LandedError) return e.code + e.path; }
  return [info.id, q.totals.landed_cost, q.totals.due_at_checkout, first?.duty?.amount ?? '', ...why].join();
}
`);
  sh(join(dir, 'node_modules/.bin/tsc'), ['-p', '.']);
  writeFileSync(join(dir, 'src', 'bad.ts'), `import { type Basket } from 'landed';
export const b: Basket = { destination: 'GB', currency: 'GBP', items: [{ id: 'x', description: 'x', origin: 'CN', quantity: 1, unit_price: 12.5 }] };
`);
  const err = (() => { try { sh(join(dir, 'node_modules/.bin/tsc'), ['-p', '.']); return ''; } catch (e) { return e.stdout; } })();
  assert.match(err, /bad\.ts.*unit_price|Type 'number' is not assignable to type 'string'/s, `tsc accepted a number amount: ${err}`);
  rmSync(join(dir, 'src', 'bad.ts'));
});

test('vite build bundles the package and the built page quotes in Chromium', { skip: existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}` }, async () => {
  writeFileSync(join(dir, 'index.html'), `<!doctype html><html><head><link rel="icon" href="data:,"></head><body>
<landed-quote id="q" destination="GB" currency="GBP"></landed-quote><output id="total"></output>
<script type="module" src="/src/main.js"></script></body></html>`);
  writeFileSync(join(dir, 'src', 'main.js'), `import { init, quote, quoteAsync } from 'landed';
import 'landed/landed-quote';
const basket = ${JSON.stringify(basket)};
await init();
document.getElementById('total').textContent = quote(basket).totals.landed_cost;
// An item without an HS code: the classifier chunk, its .wasm and the model are bundled as lazy assets.
const uncoded = { ...basket, items: [{ ...basket.items[0], hs_code: undefined }] };
quoteAsync(uncoded).then((q) => { window.__classified = q.lines[0]; }, (e) => { window.__classified = { error: e.code + ' ' + e.message }; });
const el = document.getElementById('q');
el.addEventListener('landed-quote', (e) => { window.__elementQuote = e.detail.quote; });
el.cart = basket;
`);
  writeFileSync(join(dir, 'vite.config.js'), `export default { build: { target: 'es2022' }, logLevel: 'warn' };`);
  sh(join(dir, 'node_modules/.bin/vite'), ['build']);
  const server = await startServer(0, '127.0.0.1', join(dir, 'dist'));
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'landed-pw-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const errors = [];
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('requestfailed', (r) => errors.push(`failed: ${r.url()}`));
    page.on('response', (r) => r.status() >= 400 && errors.push(`${r.status()}: ${r.url()}`));
    await page.goto(`http://127.0.0.1:${server.address().port}/index.html`);
    await page.waitForFunction(() => document.getElementById('total').textContent && window.__elementQuote && window.__classified, null, { timeout: 30_000 });
    const got = await page.evaluate(() => ({ total: document.getElementById('total').textContent, el: window.__elementQuote.totals, classified: window.__classified }));
    assert.equal(got.classified.hs_source, 'classifier', JSON.stringify(got.classified));
    assert.equal(got.total, expected.totals.landed_cost);
    assert.deepEqual(got.el, expected.totals);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
