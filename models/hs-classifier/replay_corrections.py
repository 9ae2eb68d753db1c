#!/usr/bin/env python3
"""Replay labelled public data as a corrections file shaped like the server's export (a test of the learning loop;
these are NOT real platform corrections).

    python replay_corrections.py [--dist dist/] [--out cache/replay_corrections.jsonl]

Source: uk-parcel-descriptions-fpo-labelled rows with 200 <= fpo_score < 500: real UK parcel descriptions that
train.py does not use (it takes fpo_score >= 500) and evaluate.py never reads. Their code (HMRC FPO model's top-1,
a machine label of medium confidence, 6 or 8 digits) stands in for the customs-assessed hs_code. quoted_code is the
shipped classifier's top-1 (quoted_source "classifier"); as the server records only clearances whose assessed code
differed from the quoted one, rows where both agree on HS6 are left out. destination "GB"; the data has no dates,
so date is spread deterministically (md5 of the row) over 2026-09-01..2026-11-24. The output holds third-party text
(licence not stated): keep it in a gitignored place (cache/), do not commit it."""
import argparse
import csv
import datetime
import hashlib
import json
import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np  # noqa: E402
import onnxruntime as ort  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from hsclf.tokenizer import Tokenizer  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(HERE, "..", "..", "..", "shared", "data"))
    ap.add_argument("--dist", default=os.path.join(HERE, "dist"))
    ap.add_argument("--out", default=os.path.join(HERE, "cache", "replay_corrections.jsonl"))
    ap.add_argument("--min-score", type=float, default=200.0)
    ap.add_argument("--max-score", type=float, default=500.0, help="exclusive; train.py uses rows >= 500")
    a = ap.parse_args()
    tok = Tokenizer.load(os.path.join(a.dist, "tokenizer.json"))
    codes = json.load(open(os.path.join(a.dist, "labels.json")))
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    sess = ort.InferenceSession(os.path.join(a.dist, "model.onnx"), so, providers=["CPUExecutionProvider"])
    path = os.path.join(a.data, "uk-parcel-descriptions-fpo-labelled", "parcel_descriptions.csv")
    start, n_in, n_agree, out = datetime.date(2026, 9, 1), 0, 0, []
    with open(path, encoding="utf-8", newline="") as f:
        for i, r in enumerate(csv.DictReader(f)):
            if not a.min_score <= float(r["fpo_score"]) < a.max_score:
                continue
            n_in += 1
            p = sess.run(["probs"], {"ids": np.array(tok.tokenize(r["description"]), dtype=np.int64)})[0]
            quoted = codes[int(np.argmax(p))]
            if quoted == r["hs6"]:
                n_agree += 1
                continue
            h = int(hashlib.md5(f"{i}:{r['description']}".encode()).hexdigest()[:8], 16)
            out.append({"description": r["description"], "hs_code": r["code"], "quoted_code": quoted,
                        "quoted_source": "classifier", "destination": "GB",
                        "date": (start + datetime.timedelta(days=h % 85)).isoformat(), "hs_edition": 2022})
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w", encoding="utf-8") as f:
        for j in out:
            f.write(json.dumps(j, ensure_ascii=False) + "\n")
    print(f"{n_in} parcel rows with {a.min_score} <= fpo_score < {a.max_score}; classifier top-1 agreed on {n_agree}; "
          f"{len(out)} corrections -> {a.out}")


if __name__ == "__main__":
    main()
