//! The trained classifier run by tract-onnx: `ids: int64[N]` → `probs: float32[C]`, with the
//! labels of `labels.json` and the tokenizer of `tokenizer.json`.

use super::{check_text, top_k, Candidate, Classify, Tokenizer};
use crate::error::{Error, Result};
use std::sync::Arc;
use tract_onnx::prelude::*;

/// The ONNX model, its tokenizer and its labels, optimised once at load.
pub struct OnnxClassifier {
    plan: Arc<TypedRunnableModel>,
    tokenizer: Tokenizer,
    labels: Vec<String>,
}

impl std::fmt::Debug for OnnxClassifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OnnxClassifier")
            .field("labels", &self.labels.len())
            .finish_non_exhaustive()
    }
}

fn model_error(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Classifier {
        message: format!("{what}: {e}"),
    }
}

impl OnnxClassifier {
    /// Loads the model from its three files' bytes and checks they belong together.
    pub fn from_parts(model: &[u8], tokenizer: &[u8], labels: &[u8]) -> Result<OnnxClassifier> {
        let tokenizer = Tokenizer::from_json(tokenizer).map_err(|e| model_error("tokenizer", e))?;
        let labels: Vec<String> =
            serde_json::from_slice(labels).map_err(|e| model_error("labels.json", e))?;
        if let Some(bad) = labels
            .iter()
            .find(|l| l.len() != 6 || !l.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(model_error(
                "labels.json",
                format!("`{bad}` is not six digits"),
            ));
        }
        let onnx = tract_onnx::onnx();
        let plan = onnx
            .proto_model_for_read(&mut &*model)
            .and_then(|mut proto| {
                super::prepare::fold_dequantize(&mut proto)?;
                onnx.model_for_proto_model(&proto)
            })
            .and_then(|m| m.into_optimized())
            .and_then(|m| m.into_runnable())
            .map_err(|e| model_error("model.onnx", e))?;
        let c = OnnxClassifier {
            plan,
            tokenizer,
            labels,
        };
        // One run proves the graph, the table size and the label count agree.
        let probs = c.probs(&[0, c.tokenizer.rows() - 1])?;
        if probs.len() != c.labels.len() {
            return Err(model_error(
                "model.onnx",
                format!("{} outputs for {} labels", probs.len(), c.labels.len()),
            ));
        }
        Ok(c)
    }

    /// The model's labels (HS 2022 subheadings), in output order.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The tokenizer.
    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// Probabilities over [`labels`](Self::labels) for token ids.
    pub fn probs(&self, ids: &[i64]) -> Result<Vec<f32>> {
        let input = Tensor::from_shape(&[ids.len()], ids).map_err(|e| model_error("input", e))?;
        let out = self
            .plan
            .run(tvec!(input.into()))
            .map_err(|e| model_error("inference", e))?;
        let view = out[0]
            .to_plain_array_view::<f32>()
            .map_err(|e| model_error("output", e))?;
        Ok(view.iter().copied().collect())
    }
}

impl Classify for OnnxClassifier {
    fn classify(&self, text: &str, k: usize, path: &str) -> Result<Vec<Candidate>> {
        check_text(text, path)?;
        let probs = self.probs(&self.tokenizer.ids(text))?;
        Ok(top_k(&probs, k)
            .into_iter()
            .map(|i| Candidate {
                hs_code: self.labels[i].clone(),
                score: probs[i],
            })
            .collect())
    }
}
