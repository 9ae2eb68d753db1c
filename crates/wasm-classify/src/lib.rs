//! WebAssembly bindings of the HS classifier: a thin adapter over `landed::classify`. A separate
//! module from the quote engine because tract-onnx and the model weigh megabytes; the npm package
//! (`www/src/classify.js`) loads it only when an item has no HS code.

use landed::classify::{Classify, OnnxClassifier};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

thread_local! {
    static MODEL: RefCell<Option<Rc<OnnxClassifier>>> = const { RefCell::new(None) };
}

/// Loads the model from the bytes of `model.onnx`, `tokenizer.json` and `labels.json`; returns
/// the number of labels.
#[wasm_bindgen(js_name = loadModel)]
pub fn load_model(model: &[u8], tokenizer: &[u8], labels: &[u8]) -> Result<usize, JsValue> {
    let clf = OnnxClassifier::from_parts(model, tokenizer, labels).map_err(|e| to_js_error(&e))?;
    let n = clf.labels().len();
    MODEL.with(|m| *m.borrow_mut() = Some(Rc::new(clf)));
    Ok(n)
}

/// The `k` most likely HS 2022 subheadings for `text`: `[{hs_code, score}]`, best first.
#[wasm_bindgen]
pub fn classify(text: &str, k: usize) -> Result<JsValue, JsValue> {
    let clf = MODEL.with(|m| m.borrow().clone()).ok_or_else(|| {
        js_error(
            "not_initialized",
            "",
            "the classifier is not loaded: await loadClassifier() first",
        )
    })?;
    let ranked = clf.classify(text, k, "text").map_err(|e| to_js_error(&e))?;
    let text = serde_json::to_string(&ranked)
        .map_err(|e| js_error("internal_error", "", &format!("serialising: {e}")))?;
    js_sys::JSON::parse(&text)
}

fn to_js_error(e: &landed::Error) -> JsValue {
    js_error(e.code(), e.path(), &e.to_string())
}

/// A JS `Error` named `LandedError` with `code` and `path` properties.
fn js_error(code: &str, path: &str, message: &str) -> JsValue {
    let err = js_sys::Error::new(message);
    err.set_name("LandedError");
    let _ = js_sys::Reflect::set(&err, &"code".into(), &code.into());
    let _ = js_sys::Reflect::set(&err, &"path".into(), &path.into());
    err.into()
}
