//! The tape: how a quote crosses into JS without JSON text.
//!
//! Writing a quote as JSON and parsing it again in JS cost more than computing it. A tape is one
//! `Uint32Array` that `www/src/tape.js` turns into exactly the object `JSON.parse` would have
//! made of `serde_json`'s text (same keys, same order, amounts the same decimal strings); a test
//! holds the two equal for every golden case.
//!
//! The field names and enum variants the serde derives pass as `&'static str` are *atoms*: each is
//! sent once per module instance and then named by number. Each struct's key list is a *shape*,
//! also sent once. Other strings travel as UTF-8 at the tape's end, decoded by JS in one call, each
//! value addressed by its UTF-16 offset and length.
//!
//! Layout, in 32-bit words:
//! ```text
//! MAGIC, epoch, body_len, text_bytes,
//! atoms_before, n_atoms, (offset, length) × n_atoms,        new atoms: text at the given UTF-16 span
//! shapes_before, n_shapes, (n_keys, atom id × n_keys) × n_shapes,
//! body (one value, below), text (UTF-8, zero-padded to a word)
//! ```
//! A value is a word whose low 3 bits are its tag and upper 29 its payload:
//! `NULL` (payload 0 null, 1 false, 2 true); `STR` (UTF-16 length, then a word: UTF-16 offset);
//! `ATOM` (atom id); `OBJ` (shape id, then one value per key); `ARR` (count, then the values);
//! `MAP` (count, then key and value for each); `NUM` (UTF-16 length of its text, then offset).
//!
//! `epoch`, `atoms_before` and `shapes_before` let JS check it holds the tables this tape extends;
//! a tape with both counts 0 starts new tables (the first, or the first after they were cleared,
//! which starts a new epoch).

use serde::ser::{self, Serialize};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

/// First word of every tape (`LTP` and format 1).
pub const MAGIC: u32 = 0x4c54_5001;

const NULL: u32 = 0;
const FALSE: u32 = 1 << 3;
const TRUE: u32 = 2 << 3;
const STR: u32 = 1;
const ATOM: u32 = 2;
const OBJ: u32 = 3;
const ARR: u32 = 4;
const MAP: u32 = 5;
const NUM: u32 = 6;
/// Largest payload (29 bits).
const MAX_PAYLOAD: usize = (1 << 29) - 1;

/// A word-at-a-time multiplicative hash (the keys are pointers and small ids, not attacker input).
#[derive(Default)]
struct WordHasher(u64);

impl Hasher for WordHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0; 8];
            w.copy_from_slice(c);
            self.write_u64(u64::from_le_bytes(w));
        }
        for &b in chunks.remainder() {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u32(&mut self, v: u32) {
        self.write_u64(u64::from(v));
    }
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }
}

type Fast = BuildHasherDefault<WordHasher>;

/// Slots of the direct-mapped cache in front of the atom map (a quote has about 60 atoms).
const ATOM_CACHE: usize = 256;

/// The atoms and shapes JS already holds, for one module instance.
#[derive(Default)]
pub struct Tables {
    /// `&'static str` by address and length.
    atoms: HashMap<(usize, usize), u32, Fast>,
    /// `(address, length, id)` of recently used atoms by address: most lookups end here.
    recent: Vec<(usize, usize, u32)>,
    shapes: HashMap<Box<[u32]>, u32, Fast>,
    /// Bumped by every [`Tables::clear`], so that tables of an earlier epoch are never taken for
    /// these even when they hold as many entries.
    epoch: u32,
    /// The body, text and key buffers of the last tape, kept for their capacity.
    spare: (Vec<u32>, String, Vec<u32>),
    /// By struct name (address and length): the keys and shape it was last written with.
    predictions: HashMap<(usize, usize), Rc<Prediction>, Fast>,
}

/// How a struct was last written: most structs are written with the same keys every time, so
/// its fields are checked against these by address, without looking an atom or a shape up. The
/// name only picks which prediction to try: its shape is used only when every key matched, so
/// two structs of the same name (or one with optional fields) are still written right.
struct Prediction {
    /// Each key's address and length.
    keys: Box<[(usize, usize)]>,
    /// Each key's atom.
    atoms: Box<[u32]>,
    shape: u32,
}

impl Tables {
    /// Forgets everything sent; the next tape starts new tables in JS too.
    pub fn clear(&mut self) {
        self.atoms.clear();
        self.recent.clear();
        self.shapes.clear();
        self.predictions.clear();
        self.epoch = self.epoch.wrapping_add(1);
    }
}

/// Serialises `value` as a tape into `out` (cleared first), extending `tables`. On error the
/// tables are cleared, so JS and this side never disagree about what was sent.
pub fn write<T: Serialize + ?Sized>(
    value: &T,
    tables: &mut Tables,
    out: &mut Vec<u32>,
) -> Result<(), Error> {
    let atoms_before = tables.atoms.len() as u32;
    let shapes_before = tables.shapes.len() as u32;
    let (mut body, mut text, mut keys) = std::mem::take(&mut tables.spare);
    body.clear();
    text.clear();
    keys.clear();
    let mut tape = Tape {
        tables,
        body,
        text,
        text_u16: 0,
        new_atoms: Vec::new(),
        new_shapes: Vec::new(),
        keys,
        key_refs: Vec::new(),
    };
    match value.serialize(&mut tape) {
        Ok(()) => {
            tape.finish(atoms_before, shapes_before, out);
            Ok(())
        }
        Err(e) => {
            tape.tables.clear();
            Err(e)
        }
    }
}

struct Tape<'t> {
    tables: &'t mut Tables,
    body: Vec<u32>,
    text: String,
    /// Length of `text` in UTF-16 code units (what JS offsets count).
    text_u16: usize,
    /// `(offset, length)` of each atom first sent in this tape.
    new_atoms: Vec<(u32, u32)>,
    /// Each new shape: key count, then atom ids.
    new_shapes: Vec<u32>,
    /// Keys of the structs being written, innermost last: their atoms, and their addresses and
    /// lengths (for predictions). Keys that went as predicted are not on these stacks.
    keys: Vec<u32>,
    key_refs: Vec<(usize, usize)>,
}

/// Why a value cannot go on a tape.
#[derive(Debug)]
pub struct Error(String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

/// A static string by address and length: how atoms, keys and struct names are told apart
/// without reading their bytes (equal identities are equal strings).
#[inline]
fn identity(s: &'static str) -> (usize, usize) {
    (s.as_ptr() as usize, s.len())
}

#[inline]
fn payload(n: usize, what: &str) -> Result<u32, Error> {
    if n > MAX_PAYLOAD {
        return Err(Error(format!("{what} too large for a tape: {n}")));
    }
    Ok(n as u32)
}

impl<'t> Tape<'t> {
    fn finish(self, atoms_before: u32, shapes_before: u32, out: &mut Vec<u32>) {
        let text = self.text.as_bytes();
        let header = 8 + 2 * self.new_atoms.len() + self.new_shapes.len();
        out.clear();
        out.reserve(header + self.body.len() + text.len().div_ceil(4));
        out.extend([
            MAGIC,
            self.tables.epoch,
            self.body.len() as u32,
            text.len() as u32,
        ]);
        out.extend([atoms_before, self.new_atoms.len() as u32]);
        for (off, len) in &self.new_atoms {
            out.extend([*off, *len]);
        }
        let n_shapes = self.tables.shapes.len() as u32 - shapes_before;
        out.extend([shapes_before, n_shapes]);
        out.extend_from_slice(&self.new_shapes);
        out.extend_from_slice(&self.body);
        let mut words = text.chunks_exact(4);
        out.extend((&mut words).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])));
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut last = [0; 4];
            last[..rest.len()].copy_from_slice(rest);
            out.push(u32::from_le_bytes(last));
        }
        self.tables.spare = (self.body, self.text, self.keys);
    }

    /// Appends `s` to the text; its UTF-16 `(offset, length)`.
    fn push_text(&mut self, s: &str) -> Result<(u32, u32), Error> {
        let len = if s.is_ascii() {
            s.len()
        } else {
            s.encode_utf16().count()
        };
        let off = payload(self.text_u16, "text")?;
        self.text.push_str(s);
        self.text_u16 += len;
        Ok((off, payload(len, "string")?))
    }

    fn str_value(&mut self, s: &str) -> Result<(), Error> {
        let (off, len) = self.push_text(s)?;
        self.body.extend([STR | (len << 3), off]);
        Ok(())
    }

    fn num_value(&mut self, args: std::fmt::Arguments<'_>) -> Result<(), Error> {
        let start = self.text.len();
        // Writing to a String cannot fail.
        let _ = self.text.write_fmt(args);
        let len = self.text.len() - start; // ASCII digits
        let off = payload(self.text_u16, "text")?;
        self.text_u16 += len;
        self.body
            .extend([NUM | (payload(len, "number")? << 3), off]);
        Ok(())
    }

    /// The id of a static string, sending it first when new.
    fn atom(&mut self, s: &'static str) -> Result<u32, Error> {
        let key = identity(s);
        let t = &mut *self.tables;
        if t.recent.is_empty() {
            t.recent.resize(ATOM_CACHE, (0, 0, 0));
        }
        let slot = (key.0 >> 3 ^ key.0 >> 11) % ATOM_CACHE;
        let (at, len, id) = t.recent[slot];
        if (at, len) == key {
            return Ok(id);
        }
        let id = match t.atoms.get(&key) {
            Some(&id) => id,
            None => {
                let id = payload(t.atoms.len(), "atom table")?;
                t.atoms.insert(key, id);
                let span = self.push_text(s)?;
                self.new_atoms.push(span);
                id
            }
        };
        self.tables.recent[slot] = (key.0, key.1, id);
        Ok(id)
    }

    /// Opens a container: a placeholder word patched by [`Compound::close`].
    fn open(&mut self) -> Compound<'_, 't> {
        let at = self.body.len();
        self.body.push(0);
        let keys_from = self.keys.len();
        Compound {
            tape: self,
            at,
            count: 0,
            keys_from,
            name: None,
            predicted: None,
        }
    }

    /// Puts the first `n` keys of a prediction on the key stacks: those written as predicted, when
    /// the struct turns out otherwise.
    fn spell_out(&mut self, p: &Prediction, n: usize) {
        self.keys.extend_from_slice(&p.atoms[..n]);
        self.key_refs.extend_from_slice(&p.keys[..n]);
    }

    /// Puts a key on the key stacks, by its atom.
    fn key(&mut self, key: &'static str) -> Result<(), Error> {
        let id = self.atom(key)?;
        self.keys.push(id);
        self.key_refs.push(identity(key));
        Ok(())
    }
}

/// A struct, sequence or map being written.
pub struct Compound<'a, 't> {
    tape: &'a mut Tape<'t>,
    /// Index of the placeholder word.
    at: usize,
    count: usize,
    keys_from: usize,
    /// A struct's name (address and length).
    name: Option<(usize, usize)>,
    /// How the struct was last written, while its keys so far match it (`count` of them).
    predicted: Option<Rc<Prediction>>,
}

impl Compound<'_, '_> {
    fn close(self, tag: u32) -> Result<(), Error> {
        let t = self.tape;
        let word = if tag == OBJ {
            let id = match self.predicted {
                Some(p) if p.keys.len() == self.count => p.shape,
                Some(p) => {
                    // Fewer keys than predicted.
                    t.spell_out(&p, self.count);
                    Self::shape(t, self.keys_from, self.name)?
                }
                None => Self::shape(t, self.keys_from, self.name)?,
            };
            OBJ | (id << 3)
        } else {
            tag | (payload(self.count, "container")? << 3)
        };
        t.body[self.at] = word;
        Ok(())
    }

    /// The shape of the keys on the stacks from `from` (sending it first when new), which become
    /// the prediction for the struct `name`; the keys leave the stacks.
    fn shape(t: &mut Tape<'_>, from: usize, name: Option<(usize, usize)>) -> Result<u32, Error> {
        let keys = &t.keys[from..];
        let id = match t.tables.shapes.get(keys) {
            Some(&id) => id,
            None => {
                let id = payload(t.tables.shapes.len(), "shape table")?;
                t.new_shapes.push(keys.len() as u32);
                t.new_shapes.extend_from_slice(keys);
                t.tables.shapes.insert(keys.into(), id);
                id
            }
        };
        if let Some(name) = name {
            let prediction = Prediction {
                keys: t.key_refs[from..].into(),
                atoms: keys.into(),
                shape: id,
            };
            t.tables.predictions.insert(name, Rc::new(prediction));
        }
        t.keys.truncate(from);
        t.key_refs.truncate(from);
        Ok(id)
    }

    /// A struct field's key: as predicted (nothing to do), or on the key stacks.
    fn field_key(&mut self, key: &'static str) -> Result<(), Error> {
        if let Some(p) = &self.predicted {
            if p.keys.get(self.count) == Some(&identity(key)) {
                self.count += 1;
                return Ok(());
            }
            // A different key: go on without the prediction.
            self.tape.spell_out(p, self.count);
            self.predicted = None;
        }
        self.count += 1;
        self.tape.key(key)
    }
}

impl<'a, 't> ser::Serializer for &'a mut Tape<'t> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a, 't>;
    type SerializeTuple = Compound<'a, 't>;
    type SerializeTupleStruct = Compound<'a, 't>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = Compound<'a, 't>;
    type SerializeStruct = Compound<'a, 't>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.body.push(if v { TRUE } else { FALSE });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.num_value(format_args!("{v}"))
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.num_value(format_args!("{v}"))
    }
    /// As `serde_json`: the shortest text that reads back as `v` (JS parses it to the same number
    /// as `JSON.parse` would); not finite is `null`.
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        if !v.is_finite() {
            return self.serialize_unit();
        }
        self.num_value(format_args!("{v}"))
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        if !v.is_finite() {
            return self.serialize_unit();
        }
        self.num_value(format_args!("{v}"))
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.str_value(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.str_value(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        let mut seq = self.open();
        for b in v {
            ser::SerializeSeq::serialize_element(&mut seq, b)?;
        }
        seq.close(ARR)
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.body.push(NULL);
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        let id = self.atom(variant)?;
        self.body.push(ATOM | (id << 3));
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    /// `{variant: value}`, as `serde_json` writes it.
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        let map = self.open();
        map.tape.key(variant)?;
        value.serialize(&mut *map.tape)?;
        map.close(OBJ)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a, 't>, Error> {
        Ok(self.open())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Compound<'a, 't>, Error> {
        Ok(self.open())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, 't>, Error> {
        Ok(self.open())
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(Error(format!(
            "{name}::{variant}: tuple variants have no tape form"
        )))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a, 't>, Error> {
        Ok(self.open())
    }
    fn serialize_struct(self, name: &'static str, _len: usize) -> Result<Compound<'a, 't>, Error> {
        let name = identity(name);
        let predicted = self.tables.predictions.get(&name).cloned();
        let mut s = self.open();
        s.name = Some(name);
        s.predicted = predicted;
        Ok(s)
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(Error(format!(
            "{name}::{variant}: struct variants have no tape form"
        )))
    }
}

impl ser::SerializeSeq for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.count += 1;
        value.serialize(&mut *self.tape)
    }
    fn end(self) -> Result<(), Error> {
        self.close(ARR)
    }
}

impl ser::SerializeTuple for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Error> {
        self.close(ARR)
    }
}

impl ser::SerializeTupleStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Error> {
        self.close(ARR)
    }
}

/// Map keys must be strings, as in JSON.
impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.count += 1;
        let at = self.tape.body.len();
        key.serialize(&mut *self.tape)?;
        match self.tape.body.get(at) {
            Some(w) if w & 7 == STR || w & 7 == ATOM => Ok(()),
            _ => Err(Error("a map key must be a string".into())),
        }
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(&mut *self.tape)
    }
    fn end(self) -> Result<(), Error> {
        self.close(MAP)
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field_key(key)?;
        value.serialize(&mut *self.tape)
    }
    fn end(self) -> Result<(), Error> {
        self.close(OBJ)
    }
}
