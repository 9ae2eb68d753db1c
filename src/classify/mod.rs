//! HS classification: product text → ranked HS 2022 subheadings (six digits) with calibrated
//! confidences. The quote engine sees only the [`Classify`] trait, so the core stays free of the
//! model runtime; [`OnnxClassifier`] (feature `classify`) runs the trained model of
//! `models/hs-classifier` with tract-onnx, natively and in WASM.
//!
//! Scores are `f32` probabilities: the only floats in the crate, and never used in money.

mod tokenizer;

#[cfg(feature = "classify")]
mod onnx;
#[cfg(feature = "classify")]
mod prepare;

#[cfg(feature = "classify")]
pub use onnx::OnnxClassifier;
pub use tokenizer::{fnv1a32, Tokenizer};

use crate::error::{Error, Result};

/// Top-k when the caller does not say.
pub const DEFAULT_TOP_K: usize = 5;

/// One ranked code.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Candidate {
    /// HS 2022 subheading, six digits.
    pub hs_code: String,
    /// Calibrated probability in `[0, 1]`.
    pub score: f32,
}

/// Anything that ranks HS subheadings for a product text.
pub trait Classify {
    /// The `k` most likely subheadings for `text`, best first. `path` names the input field in
    /// errors (`items[2].description`). Blank text is [`Error::EmptyText`]; long text is
    /// truncated by the model's tokenizer, never refused.
    fn classify(&self, text: &str, k: usize, path: &str) -> Result<Vec<Candidate>>;

    /// The `k` most likely subheadings for each of `texts` (`(text, path)` pairs), in order: one
    /// batch whose cost is linear in the texts (each is truncated by the model's tokenizer). The
    /// first failing text's error is returned.
    fn classify_batch(&self, texts: &[(&str, String)], k: usize) -> Result<Vec<Vec<Candidate>>> {
        texts
            .iter()
            .map(|(text, path)| self.classify(text, k, path))
            .collect()
    }
}

/// Rankings made elsewhere, looked up by text: the browser classifies in its own lazily loaded
/// module and hands the quote module the results.
#[derive(Clone, Debug, Default)]
pub struct Precomputed(pub std::collections::HashMap<String, Vec<Candidate>>);

impl Classify for Precomputed {
    fn classify(&self, text: &str, k: usize, path: &str) -> Result<Vec<Candidate>> {
        check_text(text, path)?;
        let ranked = self.0.get(text).ok_or_else(|| Error::Classifier {
            message: format!("{path}: no classification was supplied for this text"),
        })?;
        Ok(ranked.iter().take(k).cloned().collect())
    }
}

/// The refusal shared by every classifier: text with nothing but white space.
pub fn check_text(text: &str, path: &str) -> Result<()> {
    if text.trim().is_empty() {
        return Err(Error::EmptyText { path: path.into() });
    }
    Ok(())
}

/// The indices of the `k` largest scores, best first (ties: lower index first). NaN ranks last.
/// Linear-time selection first, so only the `k` winners are sorted.
pub fn top_k(scores: &[f32], k: usize) -> Vec<usize> {
    let key = |i: usize| {
        let s = scores[i];
        if s.is_nan() {
            f32::NEG_INFINITY
        } else {
            s
        }
    };
    let order = |a: &usize, b: &usize| key(*b).total_cmp(&key(*a)).then(a.cmp(b));
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    if k == 0 {
        return Vec::new();
    }
    if k < idx.len() {
        idx.select_nth_unstable_by(k - 1, order);
        idx.truncate(k);
    }
    idx.sort_by(order);
    idx
}

/// The model shipped in `models/hs-classifier/dist`, embedded at build time (feature
/// `default-model`).
#[cfg(feature = "default-model")]
pub fn default_classifier() -> Result<OnnxClassifier> {
    OnnxClassifier::from_parts(
        include_bytes!("../../models/hs-classifier/dist/model.onnx"),
        include_bytes!("../../models/hs-classifier/dist/tokenizer.json"),
        include_bytes!("../../models/hs-classifier/dist/labels.json"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_k_orders_best_first_and_breaks_ties_by_index() {
        let s = [0.1, 0.5, f32::NAN, 0.5, 0.3];
        assert_eq!(top_k(&s, 3), [1, 3, 4]);
        assert_eq!(top_k(&s, 10), [1, 3, 4, 0, 2]);
        assert!(top_k(&s, 0).is_empty());
    }

    #[test]
    fn blank_text_is_refused_with_its_path() {
        for t in ["", "   ", "\n\t"] {
            let e = check_text(t, "items[0].description").unwrap_err();
            assert_eq!((e.code(), e.path()), ("empty_text", "items[0].description"));
        }
        assert!(check_text("?", "text").is_ok());
    }
}
