// <landed-quote>: a checkout summary of duty, taxes and fees, computed live by the landed engine (WASM).
//
//   <landed-quote destination="DE" currency="USD" channel="courier"></landed-quote>
//   el.cart = { items: [{id, description, hs_code, origin, quantity, unit_price}], shipping: "12.00" };
//
// Attributes: destination, currency (of the cart's prices), region (Canadian province), channel (post|courier,
// default courier), incoterm (DDP|DAP), display-currency (default: `currency`; "" for the destination's own),
// date (YYYY-MM-DD; default today), locale (for number formatting).
// Property `cart`: `{items, shipping?, insurance?, seller?, buyer?, ship_from?, consignment?, fx?}` or an array of
// items; any basket field may be given there; the attributes above win.
// Events: `landed-quote` (detail: {quote, basket}) after each quote; `landed-quote-error` (detail: {error, basket}).
// Theming: CSS custom properties --landed-* (see :host below) and parts: container, row, label, amount, total,
// due, warnings, warning, details, summary, explain, formula, reference, error, status, incomplete.
// A quote whose duty the engine could not compute for some item (`quote.totals.complete` false) is never shown as a
// complete total: the element says "Duty not included for <items>", the duty reads "+ not included", the total (labelled
// "Partial total") and the amount due that would carry that duty read "+ duty" (each with data-complete="false"), and
// the host gets the `incomplete` attribute.

import { init, quoteAsync } from './index.js';

const ATTRS = ['destination', 'currency', 'region', 'channel', 'incoterm', 'display-currency', 'date', 'locale'];

const STYLE = `
:host {
  display: block;
  font: var(--landed-font, inherit);
  color: var(--landed-color, inherit);
  background: var(--landed-bg, transparent);
  border: var(--landed-border, 1px solid color-mix(in srgb, currentColor 20%, transparent));
  border-radius: var(--landed-radius, 8px);
  padding: var(--landed-padding, 1rem);
}
:host([hidden]) { display: none; }
dl { display: grid; grid-template-columns: 1fr auto; gap: var(--landed-gap, .35rem) 0; margin: 0; }
dt { padding-inline-end: 1rem; }
dt { color: var(--landed-muted, color-mix(in srgb, currentColor 70%, transparent)); }
dd { margin: 0; text-align: end; font-variant-numeric: tabular-nums; }
.total { font-weight: 700; font-size: 1.15em; border-top: 1px solid color-mix(in srgb, currentColor 25%, transparent); padding-top: .4rem; }
.total dd { color: var(--landed-accent, inherit); }
.due dt, .due dd { font-size: .9em; }
.note { margin: .5rem 0 0; font-size: .8em; color: var(--landed-muted, color-mix(in srgb, currentColor 70%, transparent)); }
ul.warnings { margin: .75rem 0 0; padding: .5rem .75rem .5rem 1.75rem; background: var(--landed-warning-bg, #fff7e0);
  color: var(--landed-warning-color, #5c4300); border-radius: 6px; font-size: .85em; }
ul.warnings:empty { display: none; }
details { margin-top: .75rem; font-size: .85em; }
summary { cursor: pointer; color: var(--landed-accent, inherit); }
summary:focus-visible { outline: 2px solid var(--landed-focus, currentColor); outline-offset: 2px; }
ol.explain { padding-inline-start: 1.25rem; margin: .5rem 0 0; }
ol.explain li { margin-bottom: .4rem; }
.formula { display: block; font-family: var(--landed-mono, ui-monospace, monospace); font-size: .95em; overflow-wrap: anywhere; }
.error { color: var(--landed-error, #b00020); margin: 0; }
.error:empty, .status:empty { display: none; }
.status { margin: 0; color: var(--landed-muted, color-mix(in srgb, currentColor 70%, transparent)); }
.incomplete { margin: 0 0 .6rem; padding: .5rem .75rem; border-radius: 6px; font-size: .9em;
  background: var(--landed-warning-bg, #fff7e0); color: var(--landed-warning-color, #5c4300); }
.incomplete:empty { display: none; }
:host([aria-busy="true"]) dl { opacity: .6; }
`;

const ROWS = [
  ['goods', 'Goods'],
  ['shipping', 'Shipping & insurance'],
  ['duty', 'Duty'],
  ['tax', 'Taxes'],
  ['fees', 'Fees'],
];

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null) continue;
    if (k === 'part' || k.startsWith('aria-') || k.startsWith('data-') || k === 'role' || k === 'href' || k === 'target' || k === 'rel' || k === 'class') e.setAttribute(k, v);
    else e[k] = v;
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

/** Adds two decimal strings exactly (non-negative, any scale): no floats anywhere near money. */
export function addDecimals(a, b) {
  const [ai, af = ''] = String(a).split('.');
  const [bi, bf = ''] = String(b).split('.');
  const scale = Math.max(af.length, bf.length);
  const sum = BigInt(ai + af.padEnd(scale, '0')) + BigInt(bi + bf.padEnd(scale, '0'));
  const s = sum.toString().padStart(scale + 1, '0');
  return scale ? `${s.slice(0, -scale)}.${s.slice(-scale)}` : s;
}

/** A rate for reading (6 decimals, cut, not rounded); the exact one stays in `quote.display.rate`. */
const shortRate = (r) => r.replace(/^(\d+\.\d{6})\d+$/, '$1');

// In Node (SSR, tests) there is no HTMLElement: the module still imports, and defines nothing.
const Base = globalThis.HTMLElement ?? class {};

export class LandedQuoteElement extends Base {
  static get observedAttributes() {
    return ATTRS;
  }

  #cart = null;
  #quote = null;
  #error = null;
  #pending = false;
  #run = 0; // the latest refresh; an older one finishing later (a first classifier load) is dropped
  #ui;
  #shown = null; // the quote on screen and its basket, for the "why" list

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    const style = el('style');
    style.textContent = STYLE;
    const amounts = {};
    const rows = ROWS.map(([key, label]) => {
      amounts[key] = el('dd', { part: `amount amount-${key}`, 'data-figure': key });
      return [el('dt', { part: 'label' }, label), amounts[key]];
    }).flat();
    const total = el('dd', { part: 'amount total', 'data-figure': 'landed_cost' });
    const dueNow = el('dd', { part: 'amount due', 'data-figure': 'due_at_checkout' });
    const dueLater = el('dd', { part: 'amount due', 'data-figure': 'due_at_delivery' });
    const status = el('p', { class: 'status', part: 'status', role: 'status' });
    const incomplete = el('p', { class: 'incomplete', part: 'incomplete' });
    const error = el('p', { class: 'error', part: 'error', role: 'alert' });
    const warnings = el('ul', { class: 'warnings', part: 'warnings', 'aria-label': 'Notes' });
    const explain = el('ol', { class: 'explain', part: 'explain' });
    const note = el('p', { class: 'note', part: 'note' });
    const details = el('details', { part: 'details' }, el('summary', { part: 'summary' }, 'Why?'), explain);
    const dl = el('dl', { part: 'container' }, ...rows);
    // The total and the split are <dt>/<dd> pairs in the same grid; the live region below announces the total.
    total.className = 'total';
    const totalLabel = el('dt', { part: 'label', class: 'total' }, 'Landed total');
    dl.append(totalLabel, total,
      el('dt', { part: 'label', class: 'due' }, 'Due now'), dueNow,
      el('dt', { part: 'label', class: 'due' }, 'Due at delivery'), dueLater);
    // A visually hidden live region announces the total when it changes (the grid cells are not live).
    const live = el('span', { role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true', part: 'live' });
    live.style.cssText = 'position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap';
    root.append(style, status, error, incomplete, dl, note, warnings, details, live);
    this.#ui = { amounts, total, totalLabel, dueNow, dueLater, status, error, incomplete, warnings, explain, note, details, dl, live };
    // The "why" list is built when the shopper opens it: reading q.explain asks the engine to render the trail.
    details.addEventListener('toggle', () => { if (details.open) this.#renderExplain(); });
  }

  connectedCallback() {
    this.#schedule();
  }

  attributeChangedCallback() {
    this.#schedule();
  }

  /** The cart: `{items, shipping?, ...}` or an array of items. */
  get cart() {
    return this.#cart;
  }
  set cart(value) {
    this.#cart = value;
    this.#schedule();
  }

  /** The last quote, or null. */
  get quote() {
    return this.#quote;
  }

  /** The last error (a LandedError), or null. */
  get error() {
    return this.#error;
  }

  /** The basket sent to the engine, built from `cart` and the attributes; null when incomplete. */
  get basket() {
    const cart = Array.isArray(this.#cart) ? { items: this.#cart } : { ...(this.#cart ?? {}) };
    const items = cart.items ?? [];
    const destination = this.getAttribute('destination') ?? cart.destination;
    const currency = this.getAttribute('currency') ?? cart.currency;
    if (!destination || !currency || items.length === 0) return null;
    const b = { ...cart, destination, currency, items, channel: this.getAttribute('channel') ?? cart.channel ?? 'courier' };
    const region = this.getAttribute('region');
    if (region) b.destination_region = region;
    const incoterm = this.getAttribute('incoterm');
    if (incoterm) b.incoterm = incoterm;
    const date = this.getAttribute('date');
    if (date) b.date = date;
    const display = this.getAttribute('display-currency');
    if (display !== null) {
      if (display) b.display_currency = display;
      else delete b.display_currency;
    } else if (!b.display_currency) {
      b.display_currency = currency;
    }
    return b;
  }

  /** Recomputes now (normally automatic on every change). */
  async refresh() {
    this.#pending = false;
    const run = ++this.#run;
    const basket = this.basket;
    const ui = this.#ui;
    if (!basket) {
      this.#quote = null;
      this.#error = null;
      this.#clear();
      ui.status.textContent = (this.#cart && (Array.isArray(this.#cart) ? this.#cart : this.#cart.items ?? []).length)
        ? 'Choose a destination to see duties and taxes.'
        : 'Your cart is empty.';
      return;
    }
    this.setAttribute('aria-busy', 'true');
    try {
      await init();
      // Display currencies equal to the destination's own are skipped by the engine's caller, not by the engine.
      let q;
      try {
        q = await quoteAsync(basket);
      } catch (e) {
        if (e.code === 'fx_unavailable' && basket.display_currency) {
          delete basket.display_currency;
          q = await quoteAsync(basket);
        } else throw e;
      }
      if (run !== this.#run) return;
      this.#quote = q;
      this.#error = null;
      this.#render(q, basket);
      this.dispatchEvent(new CustomEvent('landed-quote', { detail: { quote: q, basket }, bubbles: true, composed: true }));
    } catch (e) {
      if (run !== this.#run) return;
      this.#quote = null;
      this.#error = e;
      this.#clear();
      ui.error.textContent = e.path ? `${e.message}` : e.message;
      this.dispatchEvent(new CustomEvent('landed-quote-error', { detail: { error: e, basket }, bubbles: true, composed: true }));
    } finally {
      if (run === this.#run) this.removeAttribute('aria-busy');
    }
  }

  #schedule() {
    if (this.#pending || !this.isConnected) return;
    this.#pending = true;
    queueMicrotask(() => this.refresh());
  }

  #clear() {
    const ui = this.#ui;
    for (const dd of [...Object.values(ui.amounts), ui.total, ui.dueNow, ui.dueLater]) {
      dd.textContent = '–';
      dd.removeAttribute('data-amount');
      dd.removeAttribute('data-complete');
    }
    ui.warnings.replaceChildren();
    ui.explain.replaceChildren();
    this.#shown = null;
    ui.note.textContent = '';
    ui.error.textContent = '';
    ui.status.textContent = '';
    ui.incomplete.textContent = '';
    ui.totalLabel.textContent = 'Landed total';
    this.removeAttribute('incomplete');
  }

  #render(q, basket) {
    const ui = this.#ui;
    this.#clear();
    // Show the shopper's currency when the engine converted the totals for display; else the destination's.
    const shown = q.display ? q.display.totals : q.totals;
    const cur = q.display ? q.display.currency : q.currency;
    const locale = this.getAttribute('locale') || undefined;
    let fmt;
    try {
      fmt = new Intl.NumberFormat(locale, { style: 'currency', currency: cur });
    } catch {
      fmt = { format: (v) => `${v} ${cur}` };
    }
    // Intl.NumberFormat formats decimal strings exactly (no float conversion).
    const put = (dd, amount) => {
      dd.textContent = fmt.format(amount);
      dd.dataset.amount = amount;
      dd.dataset.currency = cur;
    };
    put(ui.amounts.goods, shown.goods);
    put(ui.amounts.shipping, addDecimals(shown.shipping, shown.insurance));
    put(ui.amounts.duty, shown.duty);
    put(ui.amounts.tax, shown.tax);
    put(ui.amounts.fees, shown.fees);
    put(ui.total, shown.landed_cost);
    put(ui.dueNow, shown.due_at_checkout);
    put(ui.dueLater, shown.due_at_delivery);
    ui.live.textContent = `Landed total ${fmt.format(shown.landed_cost)}`;
    if (shown.complete === false) this.#renderIncomplete(q, basket, fmt);
    const dest = `${q.destination}${q.destination_region ? `-${q.destination_region}` : ''}`;
    ui.note.textContent = q.display
      ? `Computed in ${q.currency} under ${dest} rules of ${q.date} (1 ${q.currency} = ${shortRate(q.display.rate)} ${cur}); pack ${q.pack.id}@${q.pack.version}.`
      : `Computed under ${dest} rules of ${q.date}; pack ${q.pack.id}@${q.pack.version}.`;
    for (const w of q.warnings) {
      ui.warnings.append(el('li', { part: 'warning', 'data-code': w.code }, w.message));
    }
    this.#shown = { q, basket };
    if (ui.details.open) this.#renderExplain();
  }

  /** Says, in words, that the duty of some items is not included, and marks every figure that leaves it out. */
  #renderIncomplete(q, basket, fmt) {
    const ui = this.#ui;
    const names = q.lines
      .map((l, i) => [l, basket.items[i]])
      .filter(([l]) => l.duty.status === 'unknown')
      .map(([l, item]) => item?.description ?? l.id);
    const items = names.join(', ');
    ui.incomplete.textContent = `Duty not included for ${items}: it could not be computed, so the total leaves it out and customs may charge it.`;
    const more = (dd, text) => {
      dd.textContent = text ?? `${dd.textContent} + duty`;
      dd.dataset.complete = 'false';
    };
    const duty = ui.amounts.duty;
    more(duty, /^0*(\.0*)?$/.test(duty.dataset.amount) ? 'not included' : `${duty.textContent} + not included`);
    more(ui.total);
    // The unknown duty would be collected with the rest of the border charges: at checkout under DDP, else at delivery.
    more(q.incoterm === 'DDP' ? ui.dueNow : ui.dueLater);
    ui.totalLabel.textContent = 'Partial total';
    ui.live.textContent = `Landed total ${fmt.format((q.display ? q.display.totals : q.totals).landed_cost)}; duty not included for ${items}`;
    this.setAttribute('incomplete', '');
  }

  /** Fills the "why" list for the quote shown, once per quote. */
  #renderExplain() {
    const ui = this.#ui;
    const shown = this.#shown;
    if (!shown || ui.explain.childElementCount > 0) return;
    const { q, basket } = shown;
    const itemName = (figure) => {
      const m = /^lines\[(\d+)\]/.exec(figure);
      const item = m ? basket.items[Number(m[1])] : null;
      return item ? ` (${item.description ?? item.id})` : '';
    };
    let trail;
    try {
      trail = q.explain;
    } catch (e) {
      ui.explain.append(el('li', { part: 'explain-entry' }, `The explanation is unavailable: ${e.message}`));
      return;
    }
    for (const x of trail) {
      const ref = x.reference
        ? el('a', { part: 'reference', href: x.reference, target: '_blank', rel: 'noopener noreferrer' }, x.rule)
        : document.createTextNode(x.rule);
      ui.explain.append(el('li', { part: 'explain-entry', 'data-figure': x.figure },
        el('strong', {}, `${x.figure}${itemName(x.figure)}: ${x.amount} ${q.currency}`),
        el('span', { class: 'formula', part: 'formula' }, x.formula),
        ref, ` · in force from ${x.effective}`));
    }
  }
}

if (typeof customElements !== 'undefined' && !customElements.get('landed-quote')) {
  customElements.define('landed-quote', LandedQuoteElement);
}
