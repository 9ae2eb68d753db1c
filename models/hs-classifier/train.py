#!/usr/bin/env python3
"""Train the HS-code classifier and export dist/ (model.onnx, tokenizer.json, labels.json, golden.jsonl).

    python train.py --out dist/ [--data ../../../shared/data] [--extra corrections.jsonl ...]
"""
import argparse
import gzip
import json
import os
import random
import sys
import time
from collections import Counter

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from hsclf.data import Labels, build_training, load_atlas, load_uk_eval  # noqa: E402
from hsclf.metrics import score, table  # noqa: E402
from hsclf.model import Student, build_onnx, numpy_forward, quantized_weights  # noqa: E402
from hsclf.tokenizer import Tokenizer, words_of  # noqa: E402


def parse():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(HERE, "..", "..", "..", "shared", "data"))
    ap.add_argument("--out", default=os.path.join(HERE, "dist"))
    ap.add_argument("--extra", action="append", default=[], help="extra jsonl {text, hs6} (repeatable)")
    ap.add_argument("--epochs", type=int, default=11)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--dim", type=int, default=64)
    ap.add_argument("--hidden", type=int, default=192)
    ap.add_argument("--vocab", type=int, default=20000)
    ap.add_argument("--min-count", type=int, default=2)
    ap.add_argument("--buckets", type=int, default=30000)
    ap.add_argument("--max-chars", type=int, default=2000)
    ap.add_argument("--max-words", type=int, default=160)
    ap.add_argument("--word-drop", type=float, default=0.15)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=20250101)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--eval-every", type=int, default=0, help="monitor eval sets every k epochs (0=off)")
    ap.add_argument("--ema", type=float, default=0.0, help="exponential moving average of weights (per step decay, 0=off: the shipped v3 exports the last step)")
    ap.add_argument("--ls", type=float, default=0.05, help="label smoothing of the HS6 loss")
    ap.add_argument("--distill", default=os.path.join(HERE, "cache", "teacher.npz"),
                    help="MiniLM teacher embeddings from teacher_embed.py ('' = no distillation)")
    ap.add_argument("--distill-w", type=float, default=1.0, help="weight of the cosine distillation loss")
    ap.add_argument("--save-ckpt", default="", help="save the trained torch state (experiments)")
    return ap.parse_args()


def build_vocab(train, max_chars, max_words, min_count, cap):
    cnt = Counter()
    for e in train:
        cnt.update(set(words_of(e["text"], max_chars, max_words)))
    words = [w for w, c in cnt.items() if c >= min_count]
    words.sort(key=lambda w: (-cnt[w], w))
    return words[:cap]


def encode(tok, text):
    return [tok.word_ids(w) for w in words_of(text, tok.max_chars, tok.max_words)]


def batch_ids(word_lists, rng, word_drop):
    ids, offsets = [], []
    for wl in word_lists:
        offsets.append(len(ids))
        ids.append(0)
        if word_drop > 0 and len(wl) > 1:
            keep = [w for w in wl if rng.random() >= word_drop]
            if not keep:
                keep = [wl[rng.randrange(len(wl))]]
        else:
            keep = wl
        for w in keep:
            ids.extend(w)
    return torch.tensor(ids, dtype=torch.long), torch.tensor(offsets, dtype=torch.long)


@torch.no_grad()
def predict_logits(model, tok, texts, bs=512):
    model.eval()
    out = []
    for i in range(0, len(texts), bs):
        wl = [encode(tok, t) for t in texts[i:i + bs]]
        ids, off = batch_ids(wl, None, 0.0)
        out.append(model(ids, off)[0])
    return torch.cat(out) if out else torch.zeros(0)


def fit_temperature(logits, y):
    best = (1e9, 1.0)
    for T in np.arange(0.3, 3.01, 0.02):
        nll = F.cross_entropy(logits / float(T), y).item()
        if nll < best[0]:
            best = (nll, float(T))
    return best[1], best[0]


def main():
    a = parse()
    t0 = time.time()
    torch.set_num_threads(a.threads)
    random.seed(a.seed)
    np.random.seed(a.seed)
    torch.manual_seed(a.seed)
    torch.use_deterministic_algorithms(True)
    os.makedirs(a.out, exist_ok=True)
    data = os.path.abspath(a.data)

    L = Labels(data)
    train, calib, info = build_training(data, L, a.extra)
    atlas = load_atlas(data, L)
    uk = load_uk_eval(data, L)

    words = build_vocab(train, a.max_chars, a.max_words, a.min_count, a.vocab)
    tok = Tokenizer(words, a.max_chars, a.max_words, 3, 5, a.buckets)
    print(f"vocab {len(words)} rows {tok.n_rows} train {len(train)} calib {len(calib)}", flush=True)
    enc = [encode(tok, e["text"]) for e in train]
    y6 = torch.tensor([e["y6"] for e in train])
    y4 = torch.tensor([e["y4"] for e in train])
    par4 = [L.h4_index[c[:4]] for c in L.codes]
    par2 = [L.h2_index[c[:2]] for c in L.codes]
    h4par2 = torch.tensor([L.h2_index[c[:2]] for c in L.h4])
    y2 = torch.where(y4 >= 0, h4par2[y4.clamp(min=0)], torch.full_like(y4, -1))
    w = torch.tensor([e["w"] for e in train], dtype=torch.float32)

    model = Student(tok.n_rows, a.dim, a.hidden, par4, par2, len(L.h4), len(L.h2), a.dropout)
    tidx, temb = None, None
    if a.distill and not os.path.exists(a.distill):
        sys.exit(f"{a.distill} missing: run teacher_embed.py first (or pass --distill '')")
    if a.distill:
        # MiniLM teacher: a projection of the pooled student embedding should predict the teacher's sentence
        # embedding (cosine loss). Only used during training; the projection is not exported.
        from hsclf.data import normkey
        z = np.load(a.distill, allow_pickle=True)
        krow = {k: i for i, k in enumerate(z["keys"].tolist())}
        temb = torch.tensor(z["emb"].astype(np.float32))
        tidx = torch.tensor([krow.get(normkey(e["text"]), -1) for e in train])
        model.proj = torch.nn.Linear(a.dim, temb.shape[1])
        print(f"distill: {int((tidx >= 0).sum())} of {len(train)} training rows have a teacher embedding", flush=True)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    steps_per_epoch = (len(train) + a.batch - 1) // a.batch
    total = steps_per_epoch * a.epochs
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: max(0.02, 1.0 - s / total))
    rng = random.Random(a.seed)
    order = list(range(len(train)))
    ema = None
    if a.ema > 0:
        import copy
        ema = copy.deepcopy(model)
        ema_p = [p for p in ema.parameters()]
        mod_p = [p for p in model.parameters()]

    def eval_msg(mdl, tag):
        msg = ""
        for name, ev in (("atlas", atlas), ("uk", uk)):
            P = torch.softmax(predict_logits(mdl, tok, [e["text"] for e in ev]), -1).numpy()
            m = score(P, [e["gold"] for e in ev], L.codes)
            msg += f" | {tag}{name} hs6@1 {m['hs6_top1']:.3f} @5 {m['hs6_top5']:.3f} hs4 {m['hs4_top1']:.3f}"
        return msg
    for ep in range(a.epochs):
        model.train()
        rng.shuffle(order)
        tl, te = 0.0, time.time()
        for s in range(steps_per_epoch):
            idx = order[s * a.batch:(s + 1) * a.batch]
            ids, off = batch_ids([enc[i] for i in idx], rng, a.word_drop)
            bi = torch.tensor(idx)
            if tidx is not None:
                z6, z4, z2, pooled = model(ids, off, return_pooled=True)
            else:
                z6, z4, z2 = model(ids, off)
            bw = w[bi]
            l6 = F.cross_entropy(z6, y6[bi], ignore_index=-1, reduction="none", label_smoothing=a.ls)
            l4 = F.cross_entropy(z4, y4[bi], ignore_index=-1, reduction="none")
            l2 = F.cross_entropy(z2, y2[bi], ignore_index=-1, reduction="none")
            loss = ((l6 + 0.5 * l4 + 0.25 * l2) * bw).sum() / bw.sum()
            if tidx is not None:
                ti = tidx[bi]
                mk = ti >= 0
                if mk.any():
                    cos = F.cosine_similarity(model.proj(pooled[mk]), temb[ti[mk]], dim=-1)
                    loss = loss + a.distill_w * (1 - cos).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            if ema is not None:
                with torch.no_grad():
                    d = min(a.ema, (1 + s + ep * steps_per_epoch) / (10 + s + ep * steps_per_epoch))
                    torch._foreach_mul_(ema_p, d)
                    torch._foreach_add_(ema_p, mod_p, alpha=1 - d)
            tl += loss.item()
        msg = f"epoch {ep + 1}/{a.epochs} loss {tl / steps_per_epoch:.4f} {time.time() - te:.0f}s"
        if a.eval_every and ((ep + 1) % a.eval_every == 0 or ep + 1 == a.epochs):
            msg += eval_msg(model, "")
            if ema is not None:
                msg += eval_msg(ema, "ema_")
        print(msg, flush=True)
    if ema is not None:
        model = ema
    model.eval()
    if a.save_ckpt:
        torch.save({"state": model.state_dict(), "words": words, "args": vars(a)}, a.save_ckpt)

    # ---- temperature on calibration split
    cl = predict_logits(model, tok, [e["text"] for e in calib])
    cy = torch.tensor([e["y6"] for e in calib])
    T, nll = fit_temperature(cl, cy)
    print(f"temperature {T:.2f} (calib NLL {nll:.3f}, at T=1 {F.cross_entropy(cl, cy).item():.3f})")

    # ---- export
    fw = model.folded()
    qw = quantized_weights(fw, T)
    onnx_path = os.path.join(a.out, "model.onnx")
    m = build_onnx(qw, onnx_path)
    tok.save(os.path.join(a.out, "tokenizer.json"))
    with open(os.path.join(a.out, "labels.json"), "w") as f:
        json.dump(L.codes, f, separators=(",", ":"))
    ops = sorted({n.op_type for n in m.graph.node})
    print("ONNX ops:", ops)

    # ---- verify: onnxruntime vs numpy reference vs torch
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    # no graph optimizations: onnxruntime may otherwise fuse DequantizeLinear->MatMul into an integer matmul,
    # which differs from the spec (DQ to float, float MatMul) that tract / the Rust runtime implements
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    sess = ort.InferenceSession(onnx_path, so, providers=["CPUExecutionProvider"])
    texts = [e["text"] for e in atlas[:50]] + [e["text"] for e in uk[:50]]
    tl_ = predict_logits(model, tok, texts)
    tp = torch.softmax(tl_ / T, -1).numpy()
    md_np, md_t, agree = 0.0, 0.0, 0
    for i, t in enumerate(texts):
        ids = np.array(tok.tokenize(t), dtype=np.int64)
        p = sess.run(["probs"], {"ids": ids})[0]
        md_np = max(md_np, float(np.abs(p - numpy_forward(qw, ids)).max()))
        md_t = max(md_t, float(np.abs(p - tp[i]).max()))
        agree += int(p.argmax() == tp[i].argmax())
    ts = time.perf_counter()
    for t in texts:
        sess.run(["probs"], {"ids": np.array(tok.tokenize(t), dtype=np.int64)})
    ms = (time.perf_counter() - ts) / len(texts) * 1000
    verify = {"ort_vs_numpy_maxabs": md_np, "ort_vs_torch_float_maxabs": md_t, "top1_agree_ort_torch": agree / len(texts),
              "ort_ms_per_text_1thread_incl_tokenize": round(ms, 3), "ops": ops, "temperature": T}
    print(json.dumps(verify))

    sizes = {}
    for fn in ("model.onnx", "tokenizer.json", "labels.json"):
        raw = open(os.path.join(a.out, fn), "rb").read()
        sizes[fn] = {"raw": len(raw), "gzip9": len(gzip.compress(raw, 9, mtime=0))}
    sizes["total_gzip9"] = sum(v["gzip9"] for v in sizes.values())
    print(json.dumps(sizes))

    # ---- golden file
    from golden import GOLDEN_TEXTS
    with open(os.path.join(a.out, "golden.jsonl"), "w") as f:
        for t in GOLDEN_TEXTS:
            ids = tok.tokenize(t)
            p = sess.run(["probs"], {"ids": np.array(ids, dtype=np.int64)})[0]
            top = np.argsort(-p, kind="stable")[:5]
            f.write(json.dumps({"text": t, "ids": ids, "codes": [L.codes[i] for i in top],
                                "scores": [round(float(p[i]), 7) for i in top]}, ensure_ascii=False) + "\n")

    from hsclf.runtime_doc import RUNTIME_MD
    with open(os.path.join(a.out, "README-runtime.md"), "w") as f:
        f.write(RUNTIME_MD.format(opset=17, C=len(L.codes), T=T, ops=", ".join(ops), R=tok.n_rows, d=a.dim,
                                  h=a.hidden, max_chars=tok.max_chars, max_words=tok.max_words, V=len(words),
                                  nmin=tok.nmin, nmax=tok.nmax, B=tok.buckets, offset=tok.offset))

    build = {"args": {k: v for k, v in vars(a).items() if k not in ("data", "out")}, "data_info": info,
             "verify": verify, "sizes": sizes, "train_seconds": round(time.time() - t0, 1),
             "vocab_words": len(words), "n_labels": len(L.codes)}
    with open(os.path.join(a.out, "build_info.json"), "w") as f:
        json.dump(build, f, indent=1)
    print(f"done in {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
