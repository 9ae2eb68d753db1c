#!/usr/bin/env python3
"""Evaluate dist/model.onnx on the two fixed evaluation sets with onnxruntime (1 thread).

    python evaluate.py [--dist dist/] [--compare dist/metrics.json] [--tolerance 0.0]

Writes <dist>/metrics.json. With --compare, exits 1 if HS6 top-1 drops (by more than --tolerance)
on either eval set compared to the given metrics file (read before anything is written)."""
import argparse
import json
import os
import sys
import time
from collections import defaultdict

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np  # noqa: E402
import onnxruntime as ort  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from hsclf.data import Labels, load_atlas, load_uk_eval  # noqa: E402
from hsclf.metrics import regressions, score, table  # noqa: E402
from hsclf.tokenizer import Tokenizer  # noqa: E402


def ece(conf, correct, bins=10):
    conf, correct = np.asarray(conf), np.asarray(correct, dtype=float)
    e = 0.0
    for b in range(bins):
        m = (conf > b / bins) & (conf <= (b + 1) / bins)
        if m.any():
            e += m.mean() * abs(conf[m].mean() - correct[m].mean())
    return round(float(e), 4)


def folded_session(path):
    """Same graph with the DequantizeLinear nodes pre-computed (what tract does by constant folding at load)."""
    import onnx
    from onnx import numpy_helper

    m = onnx.load(path)
    init = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    keep = []
    for n in m.graph.node:
        if n.op_type == "DequantizeLinear":
            q, s = init[n.input[0]].astype(np.float32), init[n.input[1]]
            axis = next((at.i for at in n.attribute if at.name == "axis"), 1)
            shape = [1] * q.ndim
            shape[axis] = -1
            m.graph.initializer.append(numpy_helper.from_array(q * s.reshape(shape), n.output[0]))
        else:
            keep.append(n)
    del m.graph.node[:]
    m.graph.node.extend(keep)
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.log_severity_level = 3
    return ort.InferenceSession(m.SerializeToString(), so, providers=["CPUExecutionProvider"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dist", default=os.path.join(HERE, "dist"))
    ap.add_argument("--data", default=os.path.join(HERE, "..", "..", "..", "shared", "data"))
    ap.add_argument("--compare", default=None, help="metrics.json of the current model")
    ap.add_argument("--tolerance", type=float, default=0.0, help="allowed HS6 top-1 drop (fraction)")
    ap.add_argument("--no-write", action="store_true")
    a = ap.parse_args()
    old = json.load(open(a.compare)) if a.compare else None

    data = os.path.abspath(a.data)
    tok = Tokenizer.load(os.path.join(a.dist, "tokenizer.json"))
    codes = json.load(open(os.path.join(a.dist, "labels.json")))
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    sess = ort.InferenceSession(os.path.join(a.dist, "model.onnx"), so, providers=["CPUExecutionProvider"])
    L = Labels(data)
    sets = {"atlas_validation": load_atlas(data, L), "uk_search_refs_holdout": load_uk_eval(data, L)}

    metrics, per_chapter, t_run, n_run = {}, defaultdict(lambda: [0, 0]), 0.0, 0
    for name, ev in sets.items():
        P = []
        for e in ev:
            ids = np.array(tok.tokenize(e["text"]), dtype=np.int64)
            t = time.perf_counter()
            P.append(sess.run(["probs"], {"ids": ids})[0])
            t_run += time.perf_counter() - t
            n_run += 1
        gold = [e["gold"] for e in ev]
        m = score(P, gold, codes)
        top1 = [codes[int(np.argmax(p))] for p in P]
        corr = [t in set(g) for t, g in zip(top1, gold)]
        m["ece_top1"] = ece([float(np.max(p)) for p in P], corr)
        m["unreachable_gold"] = sum(1 for g in gold if not g)
        metrics[name] = m
        if name == "uk_search_refs_holdout":
            for src in ("uk_search_refs", "uk_extra_refs"):
                idx = [i for i, e in enumerate(ev) if e["src"] == src]
                metrics[f"  {src}"] = score([P[i] for i in idx], [gold[i] for i in idx], codes)
        for e, c in zip(ev, corr):
            ch = (e["gold"] or [e["raw"]])[0][:2]
            per_chapter[ch][0] += 1
            per_chapter[ch][1] += int(c)

    print(table(metrics))
    weak = sorted(((v[1] / v[0], ch, v[0]) for ch, v in per_chapter.items() if v[0] >= 8))[:8]
    print("weakest chapters (HS6 top-1, both sets, n>=8):", ", ".join(f"{ch}: {100 * acc:.0f}% (n={n})" for acc, ch, n in weak))
    print(f"onnxruntime: {1000 * t_run / max(n_run, 1):.3f} ms per text (1 thread, model only, DequantizeLinear run per call)")
    fs = folded_session(os.path.join(a.dist, "model.onnx"))
    texts = [e["text"] for ev in sets.values() for e in ev]
    allids = [np.array(tok.tokenize(t), dtype=np.int64) for t in texts]
    t = time.perf_counter()
    for ids in allids:
        fs.run(["probs"], {"ids": ids})
    ms_folded = 1000 * (time.perf_counter() - t) / len(allids)
    tok._cache.clear()
    t = time.perf_counter()
    for tx in texts:
        tok.tokenize(tx)
    ms_tok = 1000 * (time.perf_counter() - t) / len(texts)
    print(f"onnxruntime with weights pre-dequantized (as tract constant-folds): {ms_folded:.3f} ms per text; "
          f"Python reference tokenizer (cold cache): {ms_tok:.3f} ms per text")
    for name in sets:
        print(f"{name}: ECE(top-1 confidence, 10 bins) = {metrics[name]['ece_top1']}, unreachable gold = {metrics[name]['unreachable_gold']}")
    out = {k.strip(): v for k, v in metrics.items()}
    out["weak_chapters"] = {ch: {"hs6_top1": round(acc, 3), "n": n} for acc, ch, n in weak}
    out["ort_ms_per_text"] = round(1000 * t_run / max(n_run, 1), 3)
    out["ort_ms_per_text_predequantized"] = round(ms_folded, 3)
    if not a.no_write:
        with open(os.path.join(a.dist, "metrics.json"), "w") as f:
            json.dump(out, f, indent=1)

    if old is not None:
        worse = regressions(old, out, a.tolerance, sets)
        if worse:
            print("WORSE than", a.compare, "->", "; ".join(worse))
            sys.exit(1)
        print("not worse than", a.compare)


if __name__ == "__main__":
    main()
