//! Load-time preparation of the ONNX graph: the model ships its large matrices as int8 behind
//! `DequantizeLinear` (small to download), and tract will not constant-fold a dequantisation
//! whose float result outgrows its 4 MiB folding budget, so it would re-dequantise the whole
//! embedding table on every call. Here each `DequantizeLinear` of constant inputs becomes the
//! float constant it evaluates to — the same arithmetic, `(x - zero_point) * scale`, once.

use tract_onnx::data_resolver::FopenDataResolver;
use tract_onnx::pb::{GraphProto, ModelProto, NodeProto, TensorProto};
use tract_onnx::prelude::*;
use tract_onnx::tensor::load_tensor;

/// ONNX `TensorProto.DataType.FLOAT`.
const ONNX_FLOAT: i32 = 1;

/// Replaces every `DequantizeLinear` node whose inputs are all initializers by a float
/// initializer; returns how many were replaced.
pub fn fold_dequantize(model: &mut ModelProto) -> TractResult<usize> {
    let Some(graph) = model.graph.as_mut() else {
        return Ok(0);
    };
    let mut folded = Vec::new();
    for (ix, node) in graph.node.iter().enumerate() {
        if node.op_type == "DequantizeLinear" {
            if let Some(t) = dequantize(graph, node)? {
                folded.push((ix, t));
            }
        }
    }
    let n = folded.len();
    for (ix, t) in folded.into_iter().rev() {
        graph.node.remove(ix);
        graph.initializer.push(t);
    }
    Ok(n)
}

fn initializer<'g>(graph: &'g GraphProto, name: &str) -> Option<&'g TensorProto> {
    graph.initializer.iter().find(|t| t.name == name)
}

fn dequantize(graph: &GraphProto, node: &NodeProto) -> TractResult<Option<TensorProto>> {
    let consts: Option<Vec<&TensorProto>> = node
        .input
        .iter()
        .filter(|i| !i.is_empty())
        .map(|i| initializer(graph, i))
        .collect();
    let Some(consts) = consts else {
        return Ok(None);
    };
    let load = |t: &TensorProto| load_tensor(&FopenDataResolver, t, None);
    let x = load(consts[0])?;
    let scale = load(consts[1])?.cast_to::<f32>()?.into_owned();
    let zero = match consts.get(2) {
        Some(z) => load(z)?.cast_to::<f32>()?.into_owned(),
        None => tensor0(0f32),
    };
    let x = x.cast_to::<f32>()?;
    let shape = x.shape().to_vec();
    let rank = shape.len() as i64;
    let axis = node
        .attribute
        .iter()
        .find(|a| a.name == "axis")
        .map_or(1, |a| a.i);
    let axis = usize::try_from(if axis < 0 { axis + rank } else { axis }).unwrap_or(0);
    let scale = scale.try_as_plain_ram()?.as_slice::<f32>()?.to_vec();
    let zero = zero.try_as_plain_ram()?.as_slice::<f32>()?.to_vec();
    // Per-tensor parameters have one value; per-axis ones one per index along `axis`.
    let inner: usize = shape.iter().skip(axis + 1).product();
    let along = shape.get(axis).copied().unwrap_or(1).max(1);
    let pick = |v: &[f32], i: usize| {
        if v.len() == 1 {
            v[0]
        } else {
            v[(i / inner.max(1)) % along]
        }
    };
    let xs = x.try_as_plain_ram()?.as_slice::<f32>()?;
    let mut raw = Vec::with_capacity(xs.len() * 4);
    for (i, v) in xs.iter().enumerate() {
        // Model weights, not money: the classifier's numbers are the only floats in the core.
        #[allow(clippy::float_arithmetic)]
        let y = (v - pick(&zero, i)) * pick(&scale, i);
        raw.extend_from_slice(&y.to_le_bytes());
    }
    Ok(Some(TensorProto {
        name: node.output[0].clone(),
        dims: shape.iter().map(|d| *d as i64).collect(),
        data_type: ONNX_FLOAT,
        raw_data: raw,
        ..TensorProto::default()
    }))
}
