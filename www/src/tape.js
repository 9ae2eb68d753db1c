// Decodes the engine's tapes (crates/wasm/src/tape.rs): a Uint32Array into the very object JSON.parse would make of
// the quote's JSON text (same keys in the same order, amounts the same decimal strings), without the text.
//
// Field names and enum variants arrive once per module instance as atoms, and each struct's key list once as a
// shape; a Tables object keeps them for the instance that sent them.

const MAGIC = 0x4c545001;
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The atoms and shapes one module instance has sent. */
export class Tables {
  constructor() {
    /** @type {string[]} */
    this.atoms = [];
    /** @type {string[][]} */
    this.shapes = [];
    /** The engine's epoch these tables belong to. */
    this.epoch = -1;
  }
}

/** Thrown when a tape does not extend the tables it is decoded with (the caller resets both sides). */
export class TapeMismatch extends Error {}

/**
 * @param {Uint32Array} words  a tape, or the module's memory with a tape in it
 * @param {Tables} tables  the tables of the module instance that wrote it; extended with its new entries
 * @param {number} [at]  the index of the tape's first word in `words`
 * @returns {any}
 */
export function decode(words, tables, at = 0) {
  if (words[at] !== MAGIC) throw new TapeMismatch('not a landed tape');
  const epoch = words[at + 1];
  const bodyLen = words[at + 2];
  const textBytes = words[at + 3];
  let i = at + 4;
  const atomsBefore = words[i++];
  const nAtoms = words[i++];
  const atomsAt = i;
  i += 2 * nAtoms;
  const shapesBefore = words[i++];
  const nShapes = words[i++];
  const shapesAt = i;
  for (let k = 0; k < nShapes; k++) i += 1 + words[i];
  const bodyAt = i;
  const textAt = bodyAt + bodyLen;
  if (textAt * 4 + textBytes > words.byteLength) throw new TapeMismatch('truncated tape');
  const { atoms, shapes } = tables;
  if (atomsBefore === 0 && shapesBefore === 0) {
    atoms.length = 0; // the engine started new tables
    shapes.length = 0;
    tables.epoch = epoch;
  } else if (epoch !== tables.epoch || atomsBefore !== atoms.length || shapesBefore !== shapes.length) {
    throw new TapeMismatch(`tape extends ${atomsBefore}/${shapesBefore} entries of epoch ${epoch}, the decoder holds ${atoms.length}/${shapes.length} of epoch ${tables.epoch}`);
  }
  const text = textBytes === 0 ? '' : decoder.decode(new Uint8Array(words.buffer, words.byteOffset + textAt * 4, textBytes));
  for (let k = 0, j = atomsAt; k < nAtoms; k++, j += 2) atoms.push(text.substring(words[j], words[j] + words[j + 1]));
  for (let k = 0, j = shapesAt; k < nShapes; k++) {
    const n = words[j++];
    const keys = new Array(n);
    for (let m = 0; m < n; m++) keys[m] = atoms[words[j++]];
    shapes.push(keys);
  }
  i = bodyAt;
  const value = () => {
    const w = words[i++];
    const p = w >>> 3;
    switch (w & 7) {
      case 0: return p === 0 ? null : p === 2;
      case 1: { const off = words[i++]; return text.substring(off, off + p); }
      case 2: return atoms[p];
      case 3: {
        const keys = shapes[p];
        const o = {};
        for (let k = 0; k < keys.length; k++) o[keys[k]] = value();
        return o;
      }
      case 4: {
        const a = new Array(p);
        for (let k = 0; k < p; k++) a[k] = value();
        return a;
      }
      case 5: {
        const o = {};
        for (let k = 0; k < p; k++) { const key = value(); o[key] = value(); }
        return o;
      }
      case 6: { const off = words[i++]; return Number(text.substring(off, off + p)); }
      default: throw new TapeMismatch(`unknown tag in word ${w}`);
    }
  };
  const result = value();
  if (i !== textAt) throw new TapeMismatch(`tape body ends at ${i}, expected ${textAt}`);
  return result;
}
