"""fastText-style student: mean of (bias + word + hashed char n-gram) embeddings -> ReLU layer -> HS6 logits.

The HS6 head is hierarchical during training: z6 = W6 h + W4[heading(c)] h + W2[chapter(c)] h (+ biases), with
auxiliary losses on the heading (z4) and chapter (z2) heads. At export the three matrices are folded into one."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Student(nn.Module):
    def __init__(self, n_rows, dim, hidden, par4, par2, n4, n2, dropout=0.1):
        super().__init__()
        self.emb = nn.EmbeddingBag(n_rows, dim, mode="mean")
        nn.init.uniform_(self.emb.weight, -1.0 / dim, 1.0 / dim)
        self.fc1 = nn.Linear(dim, hidden)
        C = len(par4)
        self.out6 = nn.Linear(hidden, C)
        self.out4 = nn.Linear(hidden, n4)
        self.out2 = nn.Linear(hidden, n2)
        for l in (self.out6, self.out4, self.out2):
            nn.init.zeros_(l.bias)
        nn.init.normal_(self.out6.weight, std=0.01)
        self.register_buffer("par4", torch.as_tensor(par4, dtype=torch.long))
        self.register_buffer("par2", torch.as_tensor(par2, dtype=torch.long))
        self.drop = nn.Dropout(dropout)

    def hidden(self, ids, offsets):
        e = self.emb(ids, offsets)
        return F.relu(self.fc1(self.drop(e)))

    def forward(self, ids, offsets, return_pooled=False):
        e = self.emb(ids, offsets)
        h = self.drop(F.relu(self.fc1(self.drop(e))))
        z4 = self.out4(h)
        z2 = self.out2(h)
        z6 = self.out6(h) + z4[:, self.par4] + z2[:, self.par2]
        if return_pooled:
            return z6, z4, z2, e
        return z6, z4, z2

    @torch.no_grad()
    def folded(self):
        """Return float numpy weights of the inference graph (HS6 head folded)."""
        W = self.out6.weight + self.out4.weight[self.par4] + self.out2.weight[self.par2]  # [C,h]
        b = self.out6.bias + self.out4.bias[self.par4] + self.out2.bias[self.par2]
        return {
            "emb": self.emb.weight.detach().numpy().astype(np.float32),
            "w1": self.fc1.weight.detach().numpy().T.astype(np.float32).copy(),  # [d,h]
            "b1": self.fc1.bias.detach().numpy().astype(np.float32),
            "w2": W.detach().numpy().T.astype(np.float32).copy(),  # [h,C]
            "b2": b.detach().numpy().astype(np.float32),
        }


def quantize_per_axis(x, axis):
    """Symmetric int8 quantization with one scale per index along `axis`."""
    red = tuple(i for i in range(x.ndim) if i != axis)
    amax = np.abs(x).max(axis=red)
    scale = np.where(amax > 0, amax / 127.0, 1.0).astype(np.float32)
    shape = [1] * x.ndim
    shape[axis] = -1
    q = np.clip(np.round(x / scale.reshape(shape)), -127, 127).astype(np.int8)
    return q, scale


def dequant(q, scale, axis):
    shape = [1] * q.ndim
    shape[axis] = -1
    return q.astype(np.float32) * scale.reshape(shape)


def quantized_weights(fw, temperature):
    """int8 weights for the ONNX graph; temperature folded into the output scale and bias."""
    eq, es = quantize_per_axis(fw["emb"], 0)
    wq, ws = quantize_per_axis(fw["w2"], 1)
    return {
        "emb_q": eq, "emb_s": es, "w1": fw["w1"], "b1": fw["b1"],
        "w2_q": wq, "w2_s": (ws / temperature).astype(np.float32),
        "b2": (fw["b2"] / temperature).astype(np.float32),
    }


def numpy_forward(qw, ids):
    """Reference forward of the exported graph (float32 numpy)."""
    E = dequant(qw["emb_q"], qw["emb_s"], 0)
    m = E[np.asarray(ids)].mean(axis=0, keepdims=True)
    h = np.maximum(m @ qw["w1"] + qw["b1"], 0)
    z = h @ dequant(qw["w2_q"], qw["w2_s"], 1) + qw["b2"]
    z = z - z.max()
    p = np.exp(z)
    return (p / p.sum())[0]


def build_onnx(qw, path, opset=17):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    inits = [
        numpy_helper.from_array(qw["emb_q"], "emb_q"),
        numpy_helper.from_array(qw["emb_s"], "emb_scale"),
        numpy_helper.from_array(np.zeros_like(qw["emb_s"], dtype=np.int8), "emb_zp"),
        numpy_helper.from_array(qw["w1"], "w1"),
        numpy_helper.from_array(qw["b1"].reshape(1, -1), "b1"),
        numpy_helper.from_array(qw["w2_q"], "w2_q"),
        numpy_helper.from_array(qw["w2_s"], "w2_scale"),
        numpy_helper.from_array(np.zeros_like(qw["w2_s"], dtype=np.int8), "w2_zp"),
        numpy_helper.from_array(qw["b2"].reshape(1, -1), "b2"),
        numpy_helper.from_array(np.array([-1], dtype=np.int64), "flat_shape"),
    ]
    nodes = [
        helper.make_node("DequantizeLinear", ["emb_q", "emb_scale", "emb_zp"], ["emb"], axis=0),
        helper.make_node("Gather", ["emb", "ids"], ["gathered"], axis=0),
        helper.make_node("ReduceMean", ["gathered"], ["pooled"], axes=[0], keepdims=1),
        helper.make_node("MatMul", ["pooled", "w1"], ["h_mm"]),
        helper.make_node("Add", ["h_mm", "b1"], ["h_pre"]),
        helper.make_node("Relu", ["h_pre"], ["h"]),
        helper.make_node("DequantizeLinear", ["w2_q", "w2_scale", "w2_zp"], ["w2"], axis=1),
        helper.make_node("MatMul", ["h", "w2"], ["z_mm"]),
        helper.make_node("Add", ["z_mm", "b2"], ["logits"]),
        helper.make_node("Softmax", ["logits"], ["probs2d"], axis=-1),
        helper.make_node("Reshape", ["probs2d", "flat_shape"], ["probs"]),
    ]
    C = qw["b2"].shape[0]
    g = helper.make_graph(
        nodes, "hs_classifier",
        [helper.make_tensor_value_info("ids", TensorProto.INT64, ["N"])],
        [helper.make_tensor_value_info("probs", TensorProto.FLOAT, [C])],
        inits,
    )
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], producer_name="landed-hs-classifier")
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, path)
    return m
