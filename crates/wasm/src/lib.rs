//! WebAssembly bindings of the landed-cost engine: thin adapters over `landed::Quoter`.
//!
//! A basket comes in as JSON text (`JSON.stringify`), which the wrapper encodes straight into
//! this module's memory at [`input_at`]; a quote goes out as a tape ([`tape`]), a word array
//! left in this module's memory that the npm wrapper turns into the same object `JSON.parse`
//! would make of the quote's JSON, at a fraction of the cost, so every amount stays the exact
//! decimal string the core wrote. Both buffers are reused from call to call. `quoteJson` gives
//! that JSON text itself. Errors reach JS as `Error` objects named `LandedError` with the core's
//! stable `code` and the JSON `path` of the field at fault.
//! The only thing decided here is "today" for a basket without a date: the UTC date of JS `Date`.
//!
//! `quote` returns the figures (totals, lines, fees, thresholds, warnings, FX) without rendering
//! the explain trail; `explain` renders the trail of the same basket on demand (the engine is
//! deterministic, so it explains exactly those figures). The npm wrapper joins them: its `quote`
//! result has an `explain` property computed on first read.
//!
//! The npm wrapper (`www/src/index.js`) is the public JS API; these exports are its engine.

use js_sys::{Reflect, JSON};
use landed::classify::Precomputed;
use landed::{Catalogue, Date, Error, Pack, Quote};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

mod tape;

thread_local! {
    /// The loaded pack; `None` until `init` (or the first `quote`, which loads the default pack).
    /// Borrowed only to clone the `Rc`, so that a trap mid-quote cannot leave it borrowed.
    static PACK: RefCell<Option<Rc<Pack>>> = const { RefCell::new(None) };
    /// The platform's confirmed codes (`loadCatalogue`), used before any classifier.
    static CATALOGUE: RefCell<Option<Rc<Catalogue>>> = const { RefCell::new(None) };
    /// The atoms and shapes this instance has sent to JS on tapes.
    static TAPE: RefCell<tape::Tables> = RefCell::new(tape::Tables::default());
    /// The basket JS wrote at [`input_at`], and the last tape written.
    static IO: RefCell<Io> = RefCell::new(Io::default());
}

/// The buffers JS writes a basket to and reads a tape from, kept for their capacity.
#[derive(Default)]
struct Io {
    input: Vec<u8>,
    tape: Vec<u32>,
}

/// The address of room for `len` bytes in this module's memory, where JS writes the basket's
/// UTF-8 (`TextEncoder.encodeInto`) before calling [`quote`] or [`explain`] with the length
/// written. Valid until the next call of this function.
#[wasm_bindgen(js_name = inputAt)]
pub fn input_at(len: usize) -> usize {
    IO.with(|io| {
        let input = &mut io.borrow_mut().input;
        if input.len() < len {
            input.resize(len, 0);
        }
        input.as_mut_ptr() as usize
    })
}

/// Loads a tariff pack: the embedded all-destinations pack, or the given `.pack` bytes.
/// Returns the same object as `packInfo()`.
#[wasm_bindgen]
pub fn init(pack: Option<Vec<u8>>) -> Result<JsValue, JsValue> {
    let loaded = match pack {
        Some(bytes) => Pack::from_bytes(&bytes),
        None => landed::default_pack(),
    }
    .map_err(|e| to_js_error(&Error::Pack(e)))?;
    PACK.with(|p| *p.borrow_mut() = Some(Rc::new(loaded)));
    pack_info()
}

/// Quotes a basket (its JSON text): the figures, with `explain` empty (see [`explain`]). `today`
/// (`YYYY-MM-DD`) overrides the default import date, which is otherwise today's UTC date.
/// `classified` (JSON text) maps the description of each item without an HS code to the
/// classifier's ranking (`[{hs_code, score}]`, from the classifier module), which the quote then
/// uses. Items whose id the loaded catalogue knows use their confirmed code first.
/// The basket is the `len` bytes written at [`input_at`]. The result is the address of a tape
/// (see [`tape`]) in this module's memory, for the npm wrapper's decoder; it holds until the
/// next call into the module.
#[wasm_bindgen]
pub fn quote(
    len: usize,
    today: Option<String>,
    classified: Option<String>,
) -> Result<usize, JsValue> {
    let q = with_input(len, |basket| run(basket, today, classified, Trail::Figures))?;
    to_tape(&q)
}

/// The same quote as [`quote`], with its explain trail, as the JSON text `serde_json` writes: for
/// a caller that sends the quote on (and for the tests that hold the tape to this text).
#[wasm_bindgen(js_name = quoteJson)]
pub fn quote_json(
    basket: &str,
    today: Option<String>,
    classified: Option<String>,
) -> Result<String, JsValue> {
    serde_json::to_string(&run(basket, today, classified, Trail::Full)?)
        .map_err(|e| js_error("internal_error", "", &format!("serialising: {e}")))
}

/// Forgets the atoms and shapes sent on tapes: the next tape starts new tables (for a decoder that
/// lost its own).
#[wasm_bindgen(js_name = tapeReset)]
pub fn tape_reset() {
    TAPE.with(|t| t.borrow_mut().clear());
}

/// The explain trail of the quote that [`quote`] gives for the same arguments: one entry per
/// figure with its formula, rule, legal reference and effective date. The basket and the tape
/// are where [`quote`]'s are.
#[wasm_bindgen]
pub fn explain(
    len: usize,
    today: Option<String>,
    classified: Option<String>,
) -> Result<usize, JsValue> {
    let q = with_input(len, |basket| run(basket, today, classified, Trail::Full))?;
    to_tape(&q.explain)
}

/// Runs `f` on the basket text JS wrote at [`input_at`]. The buffer is out of its cell meanwhile,
/// so that a trap mid-quote cannot leave it borrowed.
fn with_input<T>(len: usize, f: impl FnOnce(&str) -> Result<T, JsValue>) -> Result<T, JsValue> {
    let input = IO.with(|io| std::mem::take(&mut io.borrow_mut().input));
    let result = match input.get(..len).map(std::str::from_utf8) {
        Some(Ok(text)) => f(text),
        Some(Err(e)) => Err(js_error(
            "invalid_json",
            "",
            &format!("the basket is not UTF-8: {e}"),
        )),
        None => Err(js_error(
            "internal_error",
            "",
            &format!(
                "{len} bytes of basket were announced, but only room for {} was made",
                input.len()
            ),
        )),
    };
    IO.with(|io| io.borrow_mut().input = input);
    result
}

/// Whether a quote carries its explain trail.
#[derive(Clone, Copy)]
enum Trail {
    Full,
    Figures,
}

fn run(
    basket: &str,
    today: Option<String>,
    classified: Option<String>,
    trail: Trail,
) -> Result<Quote, JsValue> {
    let today = match today {
        Some(t) => parse_today(&t)?,
        None => utc_today()?,
    };
    let classified = classified.as_deref().map(parse_classified).transpose()?;
    let catalogue = CATALOGUE.with(|c| c.borrow().clone());
    with_pack(|pack| {
        let b = landed::Basket::from_json(basket).map_err(|e| to_js_error(&e))?;
        let quoter = landed::Quoter::new(pack)
            .catalogue(catalogue.as_deref())
            .classifier(
                classified
                    .as_ref()
                    .map(|c| c as &dyn landed::ClassifierSource),
            );
        match trail {
            Trail::Full => quoter.quote(&b, today),
            Trail::Figures => quoter.figures(&b, today),
        }
        .map_err(|e| to_js_error(&e))
    })
}

/// Loads a catalogue file (`landed-catalogue`, its JSON text or object), or unloads it with
/// `null`. Returns `{platform, exported_on, entries}` (or `null`).
#[wasm_bindgen(js_name = loadCatalogue)]
pub fn load_catalogue(catalogue: JsValue) -> Result<JsValue, JsValue> {
    if catalogue.is_null() || catalogue.is_undefined() {
        CATALOGUE.with(|c| *c.borrow_mut() = None);
        return Ok(JsValue::NULL);
    }
    let text = json_text(&catalogue, "the catalogue")?;
    let loaded = with_pack(|pack| Catalogue::from_json(&text, pack).map_err(|e| to_js_error(&e)))?;
    let summary = serde_json::json!({
        "platform": loaded.platform,
        "exported_on": loaded.exported_on,
        "entries": loaded.entries().len(),
    });
    CATALOGUE.with(|c| *c.borrow_mut() = Some(Rc::new(loaded)));
    to_js(&summary)
}

/// `{texts, considered}`: the descriptions of the basket's items that would need the classifier (no
/// `hs_code` and no entry in the loaded catalogue), and how many ranked codes to ask it for. Lets
/// the wrapper load the classifier module only when needed.
#[wasm_bindgen(js_name = needsClassifier)]
pub fn needs_classifier(basket: JsValue) -> Result<JsValue, JsValue> {
    let text = basket_text(&basket)?;
    let b = landed::Basket::from_json(&text).map_err(|e| to_js_error(&e))?;
    let catalogue = CATALOGUE.with(|c| c.borrow().clone());
    let texts = with_pack(|pack| {
        let quoter = landed::Quoter::new(pack).catalogue(catalogue.as_deref());
        let mut texts: Vec<String> = Vec::new();
        for it in quoter.unresolved(&b) {
            if !texts.contains(&it.description) {
                texts.push(it.description.clone());
            }
        }
        Ok(texts)
    })?;
    // How many ranked codes to ask the classifier for: the engine's, not a copy in the wrapper.
    to_js(&serde_json::json!({"texts": texts, "considered": landed::CONSIDERED}))
}

/// The classifier's rankings by description (JSON text of `options.classified`).
fn parse_classified(text: &str) -> Result<Precomputed, JsValue> {
    serde_json::from_str(text).map(Precomputed).map_err(|e| {
        js_error(
            "invalid_value",
            "classified",
            &format!("options.classified must map descriptions to [{{hs_code, score}}]: {e}"),
        )
    })
}

/// The loaded pack: id, version, build date, destinations (code, name, currency, regions,
/// coverage, holdings: duty source and vintage, tax, thresholds, layers, fees, preference
/// programmes) and source datasets.
#[wasm_bindgen(js_name = packInfo)]
pub fn pack_info() -> Result<JsValue, JsValue> {
    with_pack(|pack| {
        let h = &pack.header;
        let destinations: Vec<serde_json::Value> = pack
            .body
            .destinations
            .iter()
            .map(|d| {
                let regions: Vec<serde_json::Value> = d
                    .tax
                    .iter()
                    .flat_map(|t| &t.regions)
                    .map(|r| serde_json::json!({"code": r.region, "tax": r.name}))
                    .collect();
                serde_json::json!({
                    "code": d.code,
                    "name": d.name,
                    "currency": d.currency,
                    "customs_territory": d.customs_territory,
                    "regions": regions,
                    "coverage": {
                        "from": d.coverage.from,
                        "verified_on": d.coverage.verified_on,
                        "refuse_from": d.coverage.refuse_from,
                    },
                    // What the pack holds for it on the build date (the README's table).
                    "holdings": pack.holdings_of(d, h.build_date),
                })
            })
            .collect();
        to_js(&serde_json::json!({
            "id": h.pack_id,
            "version": h.pack_version,
            "build_date": h.build_date,
            "contract_version": landed::basket::CONTRACT_VERSION,
            "destinations": destinations,
            "datasets": h.datasets,
        }))
    })
}

/// Runs `f` with the loaded pack, loading the embedded default first if none is.
fn with_pack<T>(f: impl FnOnce(&Pack) -> Result<T, JsValue>) -> Result<T, JsValue> {
    let loaded = PACK.with(|p| p.borrow().clone());
    let pack = match loaded {
        Some(pack) => pack,
        None => {
            let pack = Rc::new(landed::default_pack().map_err(|e| to_js_error(&Error::Pack(e)))?);
            PACK.with(|p| *p.borrow_mut() = Some(Rc::clone(&pack)));
            pack
        }
    };
    f(&pack)
}

/// The basket as JSON text: a string passes through, anything else goes through `JSON.stringify`.
fn basket_text(basket: &JsValue) -> Result<String, JsValue> {
    json_text(basket, "the basket")
}

/// A JSON input as text: a string passes through, an object goes through `JSON.stringify`.
fn json_text(value: &JsValue, what: &str) -> Result<String, JsValue> {
    if let Some(s) = value.as_string() {
        return Ok(s);
    }
    if !value.is_object() {
        return Err(js_error(
            "invalid_json",
            "",
            &format!("{what} must be an object or its JSON text"),
        ));
    }
    JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| {
            js_error(
                "invalid_json",
                "",
                &format!("{what} cannot be converted to JSON (a cycle or a BigInt?)"),
            )
        })
}

/// `options.today`.
fn parse_today(s: &str) -> Result<Date, JsValue> {
    s.parse().map_err(|_| {
        js_error(
            "invalid_date",
            "today",
            &format!("options.today `{s}` is not a date: expected YYYY-MM-DD, such as 2026-07-01"),
        )
    })
}

/// Today's date in UTC, from JS `Date`.
fn utc_today() -> Result<Date, JsValue> {
    let now = js_sys::Date::new_0();
    let (y, m, d) = (
        now.get_utc_full_year(),
        now.get_utc_month() + 1,
        now.get_utc_date(),
    );
    u16::try_from(y)
        .ok()
        .zip(u8::try_from(m).ok())
        .zip(u8::try_from(d).ok())
        .and_then(|((y, m), d)| Date::new(y, m, d))
        .ok_or_else(|| js_error("invalid_date", "today", "the clock gives no valid date"))
}

/// Serialises as a tape into the output buffer; the tape's address.
fn to_tape<T: serde::Serialize>(value: &T) -> Result<usize, JsValue> {
    let mut out = IO.with(|io| std::mem::take(&mut io.borrow_mut().tape));
    let written = TAPE.with(|t| tape::write(value, &mut t.borrow_mut(), &mut out));
    let at = out.as_ptr() as usize;
    IO.with(|io| io.borrow_mut().tape = out);
    written
        .map(|()| at)
        .map_err(|e| js_error("internal_error", "", &format!("serialising: {e}")))
}

/// Serialises through JSON text so decimals stay exact strings.
fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value)
        .map_err(|e| js_error("internal_error", "", &format!("serialising: {e}")))?;
    JSON::parse(&text)
}

fn to_js_error(e: &Error) -> JsValue {
    js_error(e.code(), e.path(), &e.to_string())
}

/// A JS `Error` named `LandedError` with `code` and `path` properties.
fn js_error(code: &str, path: &str, message: &str) -> JsValue {
    let err = js_sys::Error::new(message);
    err.set_name("LandedError");
    // Setting a property on a fresh Error object cannot fail.
    let _ = Reflect::set(&err, &"code".into(), &code.into());
    let _ = Reflect::set(&err, &"path".into(), &path.into());
    err.into()
}
