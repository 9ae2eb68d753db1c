// Demo storefront: a cart, a destination picker and <landed-quote> computing duties and taxes live.
import { init, packInfo } from '../src/index.js';
import { addDecimals } from '../src/landed-quote.js';

const PRODUCTS = [
  { id: 'tee', description: "Men's cotton crew-neck T-shirt", hs_code: '610910', origin: 'BD', unit_price: '24.00', unit_weight_kg: '0.20', color: '#d0ebff', icon: '<path d="M22 14l10-6h8c0 4 4 7 8 7s8-3 8-7h8l10 6 6 14-10 5-4-6v38H34V27l-4 6-10-5z"/>' },
  { id: 'sneakers', description: 'Canvas sneakers, textile uppers, rubber soles', hs_code: '640411', origin: 'VN', unit_price: '89.00', unit_weight_kg: '0.90', color: '#d3f9d8', icon: '<path d="M10 48c0-8 2-16 6-22 4 2 8 3 12 2l6 8c6 4 14 6 24 7 10 1 22 3 26 9v6H10z"/><path d="M10 56h84v4H10z" opacity=".6"/>' },
  { id: 'handbag', description: 'Leather handbag', hs_code: '420221', origin: 'IT', unit_price: '240.00', unit_weight_kg: '0.80', color: '#ffe8cc', icon: '<path d="M38 30v-6a14 14 0 0128 0v6h-5v-6a9 9 0 00-18 0v6z"/><path d="M22 32h60l-6 36H28z"/>' },
  { id: 'watch', description: 'Automatic wristwatch, stainless steel case', hs_code: '910211', origin: 'CH', unit_price: '349.00', unit_weight_kg: '0.15', color: '#e5dbff', icon: '<path d="M42 10h20l3 14H39zM39 76l3 14h20l3-14z"/><circle cx="52" cy="50" r="22"/><path d="M52 36v14l9 6" stroke="#fff" stroke-width="4" fill="none" stroke-linecap="round"/>' },
  { id: 'phone', description: 'Smartphone, 128 GB', hs_code: '851713', origin: 'CN', unit_price: '699.00', unit_weight_kg: '0.20', color: '#c5f6fa', icon: '<rect x="32" y="8" width="40" height="84" rx="7"/><rect x="36" y="16" width="32" height="64" rx="2" fill="#fff" opacity=".85"/>' },
  { id: 'book', description: 'Printed book (hardcover cookbook)', hs_code: '490199', origin: 'US', unit_price: '32.00', unit_weight_kg: '0.90', color: '#ffe3e3', icon: '<path d="M20 14h52a8 8 0 018 8v64H28a8 8 0 01-8-8z"/><path d="M28 78h52v8H28z" fill="#fff" opacity=".8"/>' },
  // No HS code: the merchant has none, so <landed-quote> classifies the title in the browser (lazily loaded model).
  { id: 'mug', description: 'Stoneware coffee mug, hand-glazed, 350 ml', origin: 'PT', unit_price: '18.00', unit_weight_kg: '0.40', color: '#fff3bf', icon: '<path d="M24 24h44v44a12 12 0 01-12 12H36a12 12 0 01-12-12z"/><path d="M68 34h8a10 10 0 010 20h-8v-6h8a4 4 0 000-8h-8z"/>' },
];
const SHIPPING = { courier: '24.00', post: '9.00' };
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

const $ = (s) => document.querySelector(s);
const cart = new Map(); // id -> quantity
const quoteEl = $('#quote');
const state = { ready: false, quotes: 0, lastQuote: null };
window.__demo = state;

function renderProducts() {
  $('#products').replaceChildren(...PRODUCTS.map((p) => {
    const li = document.createElement('li');
    li.className = 'product';
    li.innerHTML = `<div class="pic" aria-hidden="true"></div><h3></h3><p class="meta"></p><p class="price"></p>
      <button type="button" class="add"></button>`;
    li.querySelector('.pic').innerHTML = `<svg viewBox="0 0 104 100" width="64" height="62" fill="#343a40">${p.icon}</svg>`;
    li.querySelector('.pic').style.background = p.color;
    li.querySelector('h3').textContent = p.description;
    li.querySelector('.meta').textContent = `${p.hs_code ? `HS ${p.hs_code.replace(/^(\d{4})(\d{2})/, '$1.$2')}` : 'HS code classified at checkout'} · made in ${p.origin}`;
    li.querySelector('.price').textContent = usd.format(p.unit_price);
    const b = li.querySelector('button');
    b.textContent = 'Add to cart';
    b.dataset.sku = p.id;
    b.setAttribute('aria-label', `Add ${p.description} to cart`);
    b.addEventListener('click', () => { cart.set(p.id, (cart.get(p.id) ?? 0) + 1); update(); });
    return li;
  }));
}

function renderCart() {
  const rows = [...cart].map(([id, qty]) => {
    const p = PRODUCTS.find((x) => x.id === id);
    const tr = document.createElement('tr');
    tr.innerHTML = '<td></td><td><input type="number" min="0" max="99" class="qty"></td><td class="num"></td><td><button type="button" class="remove">×</button></td>';
    tr.cells[0].textContent = p.description;
    const q = tr.querySelector('input');
    q.value = qty;
    q.setAttribute('aria-label', `Quantity of ${p.description}`);
    q.addEventListener('change', () => { const n = Math.max(0, Math.floor(Number(q.value) || 0)); n ? cart.set(id, n) : cart.delete(id); update(); });
    tr.cells[2].textContent = usd.format(p.unit_price);
    const rm = tr.querySelector('.remove');
    rm.setAttribute('aria-label', `Remove ${p.description}`);
    rm.addEventListener('click', () => { cart.delete(id); update(); });
    return tr;
  });
  $('#cart tbody').replaceChildren(...rows);
  $('#cart').hidden = rows.length === 0;
  $('#cart-count').textContent = [...cart.values()].reduce((a, b) => a + b, 0);
}

function update() {
  renderCart();
  const channel = $('#channel').value;
  quoteEl.setAttribute('channel', channel);
  quoteEl.setAttribute('incoterm', $('#incoterm').value);
  quoteEl.setAttribute('display-currency', $('#display').value);
  const dest = $('#destination').value;
  if (dest) quoteEl.setAttribute('destination', dest); else quoteEl.removeAttribute('destination');
  const regionLabel = $('#region-label');
  if (!regionLabel.hidden && $('#region').value) quoteEl.setAttribute('region', $('#region').value);
  else quoteEl.removeAttribute('region');
  quoteEl.cart = {
    items: [...cart].map(([id, quantity]) => {
      const { color, icon, ...item } = PRODUCTS.find((x) => x.id === id);
      return { ...item, quantity };
    }),
    shipping: SHIPPING[channel],
  };
  if (cart.size === 0) drawChart(null);
}

function onDestination() {
  const d = info.destinations.find((x) => x.code === $('#destination').value);
  const regions = d?.regions ?? [];
  $('#region-label').hidden = regions.length === 0;
  $('#region').replaceChildren(...regions.map((r) => new Option(`${r.code} (${r.tax})`, r.code)));
  update();
}

const SEGMENTS = [
  ['goods', 'Goods', 'var(--c-goods)'],
  ['shipping', 'Shipping', 'var(--c-ship)'],
  ['duty', 'Duty', 'var(--c-duty)'],
  ['tax', 'Tax', 'var(--c-tax)'],
  ['fees', 'Fees', 'var(--c-fees)'],
];

function drawChart(q) {
  const bars = $('#chart');
  const legend = $('#legend');
  if (!q) { bars.replaceChildren(); legend.replaceChildren(); return; }
  const t = q.display ? q.display.totals : q.totals;
  const cur = q.display ? q.display.currency : q.currency;
  const fmt = new Intl.NumberFormat(undefined, { style: 'currency', currency: cur });
  const values = { ...t, shipping: addDecimals(t.shipping, t.insurance) };
  const total = Number(t.landed_cost) || 1; // bar widths only; amounts shown are the engine's strings
  bars.replaceChildren(...SEGMENTS.filter(([k]) => Number(values[k]) > 0).map(([k, label, color]) => {
    const s = document.createElement('span');
    s.className = `bar bar-${k}`;
    s.style.flexBasis = `${(100 * Number(values[k])) / total}%`;
    s.style.background = color;
    s.title = `${label}: ${fmt.format(values[k])}`;
    return s;
  }));
  bars.setAttribute('aria-label', `Landed-cost breakdown: ${SEGMENTS.map(([k, l]) => `${l} ${fmt.format(values[k])}`).join(', ')}`);
  legend.replaceChildren(...SEGMENTS.map(([k, label, color]) => {
    const li = document.createElement('li');
    li.innerHTML = '<i aria-hidden="true"></i><span></span><b></b>';
    li.querySelector('i').style.background = color;
    li.querySelector('span').textContent = label;
    li.querySelector('b').textContent = fmt.format(values[k]);
    return li;
  }));
}

quoteEl.addEventListener('landed-quote', (e) => {
  state.quotes += 1;
  state.lastQuote = e.detail.quote;
  state.lastBasket = e.detail.basket;
  drawChart(e.detail.quote);
});
quoteEl.addEventListener('landed-quote-error', (e) => { state.lastError = e.detail.error; drawChart(null); });

renderProducts();
let info;
try {
  info = await init();
  const names = new Intl.DisplayNames(['en'], { type: 'region' });
  const opts = [...info.destinations]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((d) => new Option(`${d.name || names.of(d.code)} (${d.currency})`, d.code));
  $('#destination').replaceChildren(new Option('Choose a country…', ''), ...opts);
  $('#destination').value = 'DE';
  for (const id of ['#channel', '#incoterm', '#display', '#region']) $(id).addEventListener('change', update);
  $('#destination').addEventListener('change', onDestination);
  onDestination();
  state.ready = true;
} catch (e) {
  $('#destination').replaceChildren(new Option(`Could not load the engine: ${e.message}`, ''));
  state.error = e;
}
