// landed: landed-cost quotes (duty, import VAT/GST, fees) computed by the Rust engine compiled to WebAssembly.
// This file only loads the module and maps errors; every figure comes from the engine as an exact decimal string.

import * as firstGlue from '../pkg/landed_wasm.js';
import { decode, Tables, TapeMismatch } from './tape.js';

const GLUE_URL = new URL('../pkg/landed_wasm.js', import.meta.url).href;

/** The error every function of this package throws. `code` is stable (`invalid_amount`, `unknown_field`, ...);
 * `path` is the JSON path of the basket field at fault (`items[0].unit_price`), `''` when none. */
export class LandedError extends Error {
  /**
   * @param {string} message
   * @param {string} code
   * @param {string} [path]
   * @param {unknown} [cause]
   */
  constructor(message, code, path = '', cause) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'LandedError';
    this.code = code;
    this.path = path;
  }
}

let ready = null; // Promise of the first init()
let info = null; // packInfo() of the loaded pack
let glue = firstGlue; // the wasm-bindgen module instance in use
let wasmModule = null; // the compiled WebAssembly.Module, kept to re-instantiate after a trap
let packBytes; // the pack given to init(), reloaded after a trap
let spare = null; // a fresh, uninstantiated copy of the glue, made ready for recovery
let generation = 0;
let catalogue = null; // the catalogue given to loadCatalogue(), reloaded after a trap
let packEpoch = 0; // bumped whenever init() loads a pack: a quote's lazy explain needs the same pack

/** Turns whatever the module threw into a LandedError. */
function landedError(e) {
  if (e instanceof LandedError) return e;
  if (e && e.name === 'LandedError' && typeof e.code === 'string') {
    return new LandedError(e.message, e.code, typeof e.path === 'string' ? e.path : '');
  }
  // A trap (a Rust panic aborts) or anything unexpected: never leak a bare string or a RuntimeError.
  return new LandedError(`internal error in the landed engine: ${e && e.message ? e.message : String(e)}`, 'internal_error', '', e);
}

async function compile(input) {
  if (input instanceof WebAssembly.Module) return input;
  // Bytes first: in Node, merely reading the `Request`/`Response` globals below loads its fetch implementation
  // (~25 ms) for nothing.
  if (ArrayBuffer.isView(input) || input instanceof ArrayBuffer) return WebAssembly.compile(input);
  if (input === undefined || input === null) input = new URL('../pkg/landed_wasm_bg.wasm', import.meta.url);
  if (typeof input === 'string') input = new URL(input, globalThis.location?.href ?? import.meta.url);
  if (input instanceof URL && input.protocol === 'file:') {
    // Node's fetch cannot read file: URLs; read the file instead.
    const fs = 'node:fs/promises';
    const { readFile } = await import(/* @vite-ignore */ fs);
    return WebAssembly.compile(await readFile(input));
  }
  if (input instanceof URL || (typeof Request !== 'undefined' && input instanceof Request)) input = fetch(input);
  input = await input;
  if (typeof Response !== 'undefined' && input instanceof Response) {
    if (!input.ok) throw new LandedError(`could not load the WebAssembly module: HTTP ${input.status} ${input.url}`, 'wasm_load_failed');
    if (WebAssembly.compileStreaming && input.headers.get('Content-Type')?.startsWith('application/wasm')) {
      return WebAssembly.compileStreaming(input);
    }
    return WebAssembly.compile(await input.arrayBuffer());
  }
  return WebAssembly.compile(input); // bytes
}

/** Loads a copy of the glue (a separate ES module instance) in the background, for recovery after a trap. */
function prepareSpare() {
  spare = null;
  return import(/* @vite-ignore */ `${GLUE_URL}?instance=${++generation}`).then(
    (m) => { spare = m; },
    () => { /* a bundler may not allow this; recovery is then unavailable */ },
  );
}

/** After a trap the instance's memory and stack are not trustworthy: switch to a fresh instance. */
function recover() {
  if (!spare || !wasmModule) return false;
  const next = spare;
  try {
    next.initSync({ module: wasmModule });
    info = next.init(packBytes);
    if (catalogue !== null) next.loadCatalogue(catalogue);
  } catch {
    return false;
  }
  glue = next;
  prepareSpare();
  return true;
}

const encoder = new TextEncoder();

/** Per module instance: views of its memory and its tape tables (a fresh instance after a trap starts empty, as its
 * engine does). */
const engines = new WeakMap();

function engineOf(g) {
  let e = engines.get(g);
  // initSync() of an initialised glue returns its exports.
  if (!e) engines.set(g, (e = { memory: g.initSync().memory, u8: null, u32: null, tables: new Tables() }));
  return e;
}

/** Runs the engine's `quote` (or, with `trail`, `explain`) on basket text: the text is encoded straight into the
 * module's memory and the tape decoded where the engine left it, so neither is copied. Should the decoder and the
 * engine ever disagree about the atoms sent, both forget them and the call is made again. */
function tapeCall(trail, text, today, classified) {
  return call((g) => {
    const e = engineOf(g);
    const run = () => {
      const room = text.length * 3; // UTF-8 takes at most 3 bytes per UTF-16 unit
      const at = g.inputAt(room);
      // A view of a memory that has since grown is detached (length 0): view the new one.
      if (e.u8 === null || e.u8.byteLength === 0) e.u8 = new Uint8Array(e.memory.buffer);
      const { written } = encoder.encodeInto(text, e.u8.subarray(at, at + room));
      const tape = (trail ? g.explain : g.quote)(written, today, classified);
      if (e.u32 === null || e.u32.byteLength === 0) e.u32 = new Uint32Array(e.memory.buffer);
      return decode(e.u32, e.tables, tape >>> 2);
    };
    try {
      return run();
    } catch (err) {
      if (!(err instanceof TapeMismatch)) throw err;
      g.tapeReset();
      e.tables = new Tables();
      return run();
    }
  });
}

/** Calls into the engine, mapping errors; a trap costs the call, not the instance. */
function call(fn) {
  requireInit();
  try {
    return fn(glue);
  } catch (e) {
    const err = landedError(e);
    if (err.code === 'internal_error') recover();
    throw err;
  }
}

/**
 * Loads the WebAssembly module and a tariff pack. Call once before `quote`; later calls return the same promise
 * unless `options.pack` asks for another pack.
 * @param {import('./index.d.ts').InitInput} [input]  where the .wasm is (default: next to this package)
 * @param {{pack?: Uint8Array | ArrayBuffer}} [options]  a `.pack` file to use instead of the embedded one
 * @returns {Promise<import('./index.d.ts').PackInfo>}
 */
export function init(input, options = {}) {
  if (!ready) {
    ready = (async () => {
      wasmModule = await compile(input);
      // The module is compiled off the main thread above; instantiating it synchronously then takes about a
      // millisecond, where Node's promise-based instantiate waits ~20 ms for background compile tasks. An engine
      // that refuses synchronous instantiation on its main thread gets the asynchronous one.
      try {
        glue.initSync({ module: wasmModule });
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
        await glue.default({ module_or_path: wasmModule });
      }
      // The spare copy of the glue (for recovery after a trap) loads in the background: init does not wait for it.
      prepareSpare();
    })().catch((e) => {
      ready = null;
      throw e instanceof LandedError ? e : new LandedError(`could not load the WebAssembly module: ${e?.message ?? e}`, 'wasm_load_failed', '', e);
    });
  }
  return ready.then(() => {
    if (options.pack !== undefined || !info) {
      const bytes = options.pack === undefined ? undefined : new Uint8Array(options.pack);
      try {
        info = glue.init(bytes);
        packBytes = bytes;
        packEpoch++;
      } catch (e) {
        throw landedError(e);
      }
    }
    return info;
  });
}

function requireInit() {
  if (!info) throw new LandedError('landed is not initialised: await init() first', 'not_initialized');
}

/**
 * Quotes a basket. Amounts in and out are decimal strings.
 * @param {import('./index.d.ts').Basket | string} basket  the basket object, or its JSON text
 * @param {{today?: string}} [options]  `today` (`YYYY-MM-DD`): the import date of a basket without `date`
 *   (default: today's UTC date)
 * @returns {import('./index.d.ts').Quote}
 * @throws {LandedError}
 */
export function quote(basket, options) {
  requireInit();
  const text = typeof basket === 'string' ? basket : jsonOf(basket);
  const [today, classified] = engineOptions(options);
  const q = tapeCall(false, text, today, classified);
  // The figures come now; the explain trail (a formula and citation per figure, most of the work) is rendered by
  // the engine on first read of `explain`, from the same basket and pack. It is enumerable: JSON.stringify(q)
  // includes it.
  const epoch = packEpoch;
  let trail;
  Object.defineProperty(q, 'explain', {
    enumerable: true,
    configurable: true,
    get() {
      if (trail === undefined) {
        if (epoch !== packEpoch) {
          throw new LandedError('the pack this quote was computed with has been replaced by init(): quote again to explain it', 'pack_changed');
        }
        trail = tapeCall(true, text, today, classified);
      }
      return trail;
    },
    set(v) { trail = v; },
  });
  return q;
}

/**
 * The quote of a basket as JSON text, explain trail included: `JSON.stringify(quote(basket))` gives the same text.
 * For sending a quote on (to a server, a log) without rendering it twice.
 * @param {import('./index.d.ts').Basket | string} basket
 * @param {import('./index.d.ts').QuoteOptions} [options]
 * @returns {string}
 * @throws {LandedError}
 */
export function quoteJson(basket, options) {
  requireInit();
  const text = typeof basket === 'string' ? basket : jsonOf(basket);
  const [today, classified] = engineOptions(options);
  return call((g) => g.quoteJson(text, today, classified));
}

/** The engine's arguments from the options: `today` as text, and `classified` as JSON text (text that is not JSON
 * when it cannot be written, which the engine reports as `invalid_value` at `classified`). */
function engineOptions(options) {
  if (options === null || typeof options !== 'object') return [undefined, undefined];
  const { today, classified } = options;
  let c;
  if (classified != null) {
    try { c = JSON.stringify(classified) ?? ''; } catch { c = ''; }
  }
  return [today == null ? undefined : String(today), c];
}

/** JSON text of an input object; a value JSON cannot hold is the engine's `invalid_json`. */
function jsonOf(value, what = 'the basket') {
  if (value === null || typeof value !== 'object') {
    throw new LandedError(`${what} must be an object or its JSON text`, 'invalid_json');
  }
  try {
    return JSON.stringify(value);
  } catch (e) {
    throw new LandedError(`${what} cannot be converted to JSON (a cycle or a BigInt?)`, 'invalid_json', '', e);
  }
}

/**
 * Loads the platform's catalogue of confirmed HS codes (the server's `GET /v1/catalogue/export`, a
 * `landed-catalogue` file) beside the pack: an item whose `id` (SKU) it knows is quoted with its confirmed code
 * (`hs_source: "catalogue"`) before any classifier, offline. `null` unloads it.
 * @param {import('./index.d.ts').Catalogue | string | null} file
 * @returns {import('./index.d.ts').CatalogueInfo | null}
 * @throws {LandedError}
 */
export function loadCatalogue(file) {
  const text = file === null || file === undefined ? null : typeof file === 'string' ? file : jsonOf(file, 'the catalogue');
  const loaded = call((g) => g.loadCatalogue(text));
  catalogue = text;
  return loaded;
}

/**
 * Quotes a basket, classifying the description of every item that has no `hs_code` first. The classifier module
 * (tract-onnx and the model, a few megabytes) is imported and loaded on the first such item only; a basket whose
 * items all have codes never touches it. A confident prediction is used as the code; an unsure one is weighed over
 * its top candidates and the quote collects the dearest (`lines[].hs_candidates`, warning `hs_code_uncertain`).
 * @param {import('./index.d.ts').Basket | string} basket
 * @param {import('./index.d.ts').QuoteOptions & {classifier?: import('./classify.d.ts').ClassifierOptions}} [options]
 * @returns {Promise<import('./index.d.ts').Quote>}
 * @throws {LandedError}
 */
export async function quoteAsync(basket, options = {}) {
  const { classifier: _, ...rest } = options;
  // The common checkout case, every item coded, goes straight to the quote: no second parse in the engine.
  let b = basket;
  if (typeof basket === 'string') {
    try { b = JSON.parse(basket); } catch { return quote(basket, rest); }
  }
  if (!Array.isArray(b?.items) || !b.items.some((it) => it && it.hs_code == null)) return quote(basket, rest);
  // Descriptions of items with neither an HS code nor a catalogue entry (an invalid basket yields none: quote()
  // then reports its error).
  // The engine also says how many ranked codes it weighs per item.
  let needs = { texts: [], considered: 0 };
  try {
    needs = call((g) => g.needsClassifier(basket));
  } catch {
    return quote(basket, rest);
  }
  if (needs.texts.length === 0) return quote(basket, rest);
  const { loadClassifier, classify } = await import('./classify.js');
  await loadClassifier(options.classifier);
  const classified = {};
  for (const d of needs.texts) {
    if (d.trim() !== '') classified[d] = classify(d, needs.considered);
  }
  return quote(basket, { ...rest, classified });
}

/**
 * Ranks HS 2022 subheadings for a product text: the classifier module is imported and loaded on first use.
 * @param {string} text  a product title or description (long text is truncated, blank text is `empty_text`)
 * @param {number} [k]  how many codes, best first (default 5)
 * @returns {Promise<import('./classify.d.ts').Classification[]>}
 * @throws {LandedError}
 */
export async function classify(text, k = 5) {
  const m = await import('./classify.js');
  await m.loadClassifier();
  return m.classify(text, k);
}

/**
 * The loaded pack: id, version, build date, destinations (with name, currency, tax regions, coverage), datasets.
 * @returns {import('./index.d.ts').PackInfo}
 */
export function packInfo() {
  return call((g) => g.packInfo());
}

export default init;
