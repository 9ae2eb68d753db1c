// The JavaScript floor of quote(), measured where it runs (Node or a page): what the wrapper must do around the
// engine however fast the engine is. quote() takes and returns plain objects, so it writes the basket as JSON text
// (JSON.stringify) and builds the quote's objects from the engine's tape (decode, src/tape.js). These are timed
// alone, on the 5-item DE basket and the tape the engine returns for it, beside quote() itself. Web APIs only.

/**
 * @param {object} m  `index` (the package), `glue` (its pkg/landed_wasm.js, the instance init() set up), `tape`
 *   (src/tape.js), `basket`, `batches` (how many batches of 100 runs)
 * @returns {{quote: number, stringify: number, decode: number, floor: number}}  medians of batch means, µs
 */
export function measureFloor({ index, glue, tape: { decode, Tables }, basket, batches }) {
  const opts = { today: '2026-11-25' };
  // A tape of the basket's quote copied out of the module's memory. The first starts new tables here (the
  // package's own decoder starts again on its next call); the second is what every later quote sends.
  glue.tapeReset();
  const { memory } = glue.initSync();
  const text = JSON.stringify(basket);
  const copy = () => {
    const at = glue.inputAt(text.length * 3);
    const { written } = new TextEncoder().encodeInto(text, new Uint8Array(memory.buffer, at, text.length * 3));
    const addr = glue.quote(written, opts.today, undefined); // may grow the memory: view it after
    const words = new Uint32Array(memory.buffer, addr);
    const [, , bodyLen, textBytes, , nAtoms] = words;
    let i = 6 + 2 * nAtoms + 1;
    const nShapes = words[i++];
    for (let k = 0; k < nShapes; k++) i += 1 + words[i];
    return words.slice(0, i + bodyLen + Math.ceil(textBytes / 4));
  };
  const tables = new Tables();
  decode(copy(), tables);
  const steady = copy();
  const expected = JSON.stringify({ ...index.quote(basket, opts), explain: [] });
  if (JSON.stringify(decode(steady, tables)) !== expected) throw new Error('the copied tape is not the quote');

  const runs = {
    quote: () => index.quote(basket, opts),
    stringify: () => JSON.stringify(basket),
    decode: () => decode(steady, tables),
    floor: () => decode(steady, tables) && JSON.stringify(basket),
  };
  // performance.now() is coarse in a page (5-100 µs steps): each result is the median of batch means (100 runs a
  // batch), and the four take turns batch by batch, so that a machine that slows down meanwhile slows all four.
  const times = Object.fromEntries(Object.keys(runs).map((k) => [k, []]));
  for (const f of Object.values(runs)) for (let i = 0; i < 500; i++) f();
  for (let b = 0; b < batches; b++) {
    for (const [k, f] of Object.entries(runs)) {
      const s = performance.now();
      for (let i = 0; i < 100; i++) f();
      times[k].push((performance.now() - s) * 10); // ms per 100 runs -> µs per run
    }
  }
  const median = (t) => t.sort((x, y) => x - y)[t.length >> 1];
  return Object.fromEntries(Object.entries(times).map(([k, t]) => [k, median(t)]));
}
