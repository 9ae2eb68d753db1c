// landed: landed-cost quotes (duty, import VAT/GST, fees) computed by the Rust engine compiled to WebAssembly.
// This file only loads the module and maps errors; every figure comes from the engine as an exact decimal string.

import wasmInit, {
  init as wasmLoadPack,
  quote as wasmQuote,
  packInfo as wasmPackInfo,
} from '../pkg/landed_wasm.js';

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

let ready = null; // Promise<PackInfo> of the first init()
let info = null;

/** Turns whatever the module threw into a LandedError. */
function landedError(e) {
  if (e instanceof LandedError) return e;
  if (e && typeof e === 'object' && typeof e.code === 'string') {
    return new LandedError(e.message, e.code, typeof e.path === 'string' ? e.path : '');
  }
  // A trap (a Rust panic aborts) or anything unexpected: never leak a bare string or a RuntimeError.
  return new LandedError(`internal error in the landed engine: ${e && e.message ? e.message : String(e)}`, 'internal_error', '', e);
}

async function wasmSource(input) {
  if (input === undefined || input === null) input = new URL('../pkg/landed_wasm_bg.wasm', import.meta.url);
  if (typeof input === 'string' && /^file:/.test(input)) input = new URL(input);
  // Node's fetch cannot read file: URLs; read the file instead.
  if (input instanceof URL && input.protocol === 'file:') {
    const fs = 'node:fs/promises';
    const { readFile } = await import(/* @vite-ignore */ fs);
    return readFile(input);
  }
  return input; // URL / string / Request / Response / bytes / WebAssembly.Module: the glue accepts them all
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
      await wasmInit({ module_or_path: await wasmSource(input) });
    })().catch((e) => {
      ready = null;
      throw landedError(e);
    });
  }
  return ready.then(() => {
    if (options.pack !== undefined || !info) {
      const bytes = options.pack === undefined ? undefined : new Uint8Array(options.pack);
      try {
        info = wasmLoadPack(bytes);
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
  try {
    return wasmQuote(basket, options);
  } catch (e) {
    throw landedError(e);
  }
}

/**
 * The loaded pack: id, version, build date, destinations (with name, currency, tax regions, coverage), datasets.
 * @returns {import('./index.d.ts').PackInfo}
 */
export function packInfo() {
  requireInit();
  try {
    return wasmPackInfo();
  } catch (e) {
    throw landedError(e);
  }
}

export default init;
