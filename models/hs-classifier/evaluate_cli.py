#!/usr/bin/env python3
"""Evaluate the shipped runtime, not a Python copy of it: the two fixed evaluation sets go through
`landed classify --top 5` (the Rust tokenizer and tract-onnx, the interface the model is scored by), and the same
metrics as evaluate.py are printed.

    python evaluate_cli.py [--landed ../../target/release/landed] [--data ../../../shared/data]

Build the CLI first: `cargo build --release` at the repository root."""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from hsclf.data import Labels, load_atlas, load_uk_eval  # noqa: E402


def score(preds, golds):
    acc = {"hs2_top1": 0, "hs4_top1": 0, "hs6_top1": 0, "hs6_top3": 0, "hs6_top5": 0}
    for tc, gold in zip(preds, golds):
        g = set(gold)
        acc["hs6_top1"] += tc[0] in g
        acc["hs6_top3"] += bool(g & set(tc[:3]))
        acc["hs6_top5"] += bool(g & set(tc[:5]))
        acc["hs4_top1"] += tc[0][:4] in {x[:4] for x in g}
        acc["hs2_top1"] += tc[0][:2] in {x[:2] for x in g}
    n = max(len(preds), 1)
    return {k: round(v / n, 4) for k, v in acc.items()} | {"n": len(preds)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--landed", default=os.path.join(HERE, "..", "..", "target", "release", "landed"))
    ap.add_argument("--data", default=os.path.join(HERE, "..", "..", "..", "shared", "data"))
    a = ap.parse_args()
    data = os.path.abspath(a.data)
    L = Labels(data)
    sets = {"atlas_validation": load_atlas(data, L), "uk_search_refs_holdout": load_uk_eval(data, L)}
    keys = ["hs2_top1", "hs4_top1", "hs6_top1", "hs6_top3", "hs6_top5"]
    print("| eval set | n | " + " | ".join(keys) + " | ms/text (whole CLI run) |")
    print("|---|---|" + "---|" * (len(keys) + 1))
    for name, ev in sets.items():
        lines = "".join(json.dumps({"id": i, "text": e["text"]}) + "\n" for i, e in enumerate(ev))
        t = time.perf_counter()
        out = subprocess.run([a.landed, "classify", "--top", "5"], input=lines, capture_output=True, text=True, check=True)
        ms = 1000 * (time.perf_counter() - t) / len(ev)
        answers = {r["id"]: r["codes"] for r in map(json.loads, out.stdout.splitlines())}
        m = score([answers[i] for i in range(len(ev))], [e["gold"] for e in ev])
        print(f"| {name} | {m['n']} | " + " | ".join(f"{100 * m[k]:.1f}" for k in keys) + f" | {ms:.2f} |")


if __name__ == "__main__":
    main()
