// The HS classifier in the browser: tract-onnx and the trained model in their own WebAssembly module, loaded on first
// use only (a few megabytes), so the quote path stays small. `quoteAsync()` in index.js imports this file lazily when
// an item has no HS code.

import { LandedError } from './index.js';

const WASM_URL = new URL('../pkg/landed_wasm_classify_bg.wasm', import.meta.url);
// One literal URL per file, so bundlers (Vite, webpack) see and emit each asset.
const MODEL_FILES = {
  model: new URL('../pkg/model/model.onnx', import.meta.url),
  tokenizer: new URL('../pkg/model/tokenizer.json', import.meta.url),
  labels: new URL('../pkg/model/labels.json', import.meta.url),
};

let ready = null;
let glue = null;

async function bytesOf(url) {
  if (url instanceof URL && url.protocol === 'file:') {
    const fs = 'node:fs/promises';
    const { readFile } = await import(/* @vite-ignore */ fs);
    return new Uint8Array(await readFile(url));
  }
  const res = await fetch(url);
  if (!res.ok) throw new LandedError(`could not load ${url}: HTTP ${res.status}`, 'classifier_unavailable');
  return new Uint8Array(await res.arrayBuffer());
}

function landedError(e) {
  if (e instanceof LandedError) return e;
  if (e && e.name === 'LandedError' && typeof e.code === 'string') return new LandedError(e.message, e.code, e.path ?? '');
  return new LandedError(`internal error in the classifier: ${e?.message ?? e}`, 'internal_error', '', e);
}

/**
 * Loads the classifier module and the model. Later calls return the same promise.
 * @param {{wasm?: string | URL, model?: string | URL}} [options]  where the module and the model directory are
 *   (default: next to this package)
 * @returns {Promise<{labels: number}>}
 */
export function loadClassifier(options = {}) {
  if (!ready) {
    ready = (async () => {
      const base = options.model ? new URL(options.model, globalThis.location?.href ?? import.meta.url) : null;
      const file = (name, key) => (base ? new URL(name, base) : MODEL_FILES[key]);
      const wasmUrl = options.wasm ? new URL(options.wasm, globalThis.location?.href ?? import.meta.url) : WASM_URL;
      const [g, wasm, model, tokenizer, labels] = await Promise.all([
        import('../pkg/landed_wasm_classify.js'),
        bytesOf(wasmUrl),
        bytesOf(file('model.onnx', 'model')),
        bytesOf(file('tokenizer.json', 'tokenizer')),
        bytesOf(file('labels.json', 'labels')),
      ]);
      await g.default({ module_or_path: await WebAssembly.compile(wasm) });
      const n = g.loadModel(model, tokenizer, labels);
      glue = g;
      return { labels: n };
    })().catch((e) => {
      ready = null;
      throw e instanceof LandedError ? e : new LandedError(`could not load the classifier: ${e?.message ?? e}`, 'classifier_unavailable', '', e);
    });
  }
  return ready;
}

/**
 * The `k` most likely HS 2022 subheadings for a product text, best first, with calibrated probabilities.
 * Blank text throws `LandedError` `empty_text`; long text is truncated by the model, not refused.
 * @param {string} text
 * @param {number} [k]
 * @returns {{hs_code: string, score: number}[]}
 */
export function classify(text, k = 5) {
  if (!glue) throw new LandedError('the classifier is not loaded: await loadClassifier() first', 'not_initialized');
  if (typeof text !== 'string') throw new LandedError('text must be a string', 'invalid_value', 'text');
  if (!Number.isInteger(k) || k < 1) throw new LandedError('k must be a positive integer', 'invalid_value', 'k');
  try {
    return glue.classify(text, k);
  } catch (e) {
    throw landedError(e);
  }
}
