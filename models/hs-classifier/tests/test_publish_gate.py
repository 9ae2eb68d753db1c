"""Publish gate and retrain.py flow, without training: fake dist dirs with tiny files, train/evaluate faked."""
import hashlib
import json
import os

import pytest

import retrain
from hsclf.metrics import regressions


def metrics(atlas, uk):
    return {"atlas_validation": {"hs6_top1": atlas, "hs4_top1": 0.4, "hs6_top5": 0.5, "n": 200},
            "uk_search_refs_holdout": {"hs6_top1": uk, "hs4_top1": 0.5, "hs6_top5": 0.6, "n": 571}}


def fake_dist(d, atlas, uk, tag):
    os.makedirs(d, exist_ok=True)
    files = {"model.onnx": b"onnx-" + tag.encode(), "tokenizer.json": b'{"tok": "%s"}' % tag.encode(),
             "labels.json": b'["010121"]', "README-runtime.md": b"# runtime " + tag.encode(),
             "golden.jsonl": (json.dumps({"text": "laptop", "ids": [0], "codes": ["847130" if tag == "old" else "847141"],
                                          "scores": [0.5]}) + "\n").encode(),
             "metrics.json": json.dumps(metrics(atlas, uk)).encode(),
             "build_info.json": json.dumps({"args": {"epochs": 11, "seed": 1, "extra": [], "distill": "x"}}).encode()}
    for fn, b in files.items():
        with open(os.path.join(d, fn), "wb") as f:
            f.write(b)
    return str(d)


def snapshot(d):
    return {fn: hashlib.sha256(open(os.path.join(d, fn), "rb").read()).hexdigest() for fn in sorted(os.listdir(d))}


def test_regressions():
    old = metrics(0.27, 0.373)
    assert regressions(old, metrics(0.27, 0.373)) == []
    assert regressions(old, metrics(0.30, 0.40)) == []
    assert len(regressions(old, metrics(0.265, 0.40))) == 1
    assert len(regressions(old, metrics(0.30, 0.3713))) == 1
    assert len(regressions(old, metrics(0.26, 0.36))) == 2
    assert regressions(old, metrics(0.265, 0.373), tolerance=0.01) == []
    assert len(regressions(old, {"atlas_validation": {"hs6_top1": 0.3}})) == 1  # missing set = worse


@pytest.mark.parametrize("atlas,uk", [(0.265, 0.40), (0.30, 0.3713), (0.10, 0.10)])
def test_gate_refuses_worse_and_leaves_dest_identical(tmp_path, atlas, uk):
    dest = fake_dist(tmp_path / "dist", 0.27, 0.373, "old")
    cand = fake_dist(tmp_path / "cand", atlas, uk, "new")
    before = snapshot(dest)
    reasons = retrain.publish(cand, dest, log=lambda *a: None)
    assert reasons and snapshot(dest) == before


def test_gate_publishes_not_worse(tmp_path):
    dest = fake_dist(tmp_path / "dist", 0.27, 0.373, "old")
    cand = fake_dist(tmp_path / "cand", 0.27, 0.38, "new")
    logged = []
    assert retrain.publish(cand, dest, log=logged.append) == []
    assert snapshot(dest) == snapshot(cand)
    assert "847130 -> 847141" in logged[0] and "model.onnx: changed" in logged[0] and "labels.json: unchanged" in logged[0]


def test_gate_refuses_incomplete_candidate(tmp_path):
    dest = fake_dist(tmp_path / "dist", 0.27, 0.373, "old")
    cand = fake_dist(tmp_path / "cand", 0.30, 0.40, "new")
    os.remove(os.path.join(cand, "golden.jsonl"))
    before = snapshot(dest)
    assert retrain.publish(cand, dest, log=lambda *a: None) and snapshot(dest) == before


CORR = {"description": "Men's cotton T-shirt, printed", "hs_code": "61091000", "quoted_code": "610990",
        "quoted_source": "classifier", "destination": "GB", "date": "2026-11-20"}


def fake_runner(atlas, uk, calls):
    """Stands in for train.py / evaluate.py: writes a tiny candidate and its metrics."""
    def run(cmd):
        calls.append(cmd)
        out = cmd[cmd.index("--out") + 1] if "train.py" in cmd[1] else cmd[cmd.index("--dist") + 1]
        if "train.py" in cmd[1]:
            n = sum(1 for _ in open(cmd[cmd.index("--extra") + 1]))
            fake_dist(out, 0, 0, "new")
            os.remove(os.path.join(out, "metrics.json"))
            with open(os.path.join(out, "build_info.json"), "w") as f:
                json.dump({"args": {"extra": ["x"]}, "data_info": {"by_source": {"extra": n}}}, f)
            return 0
        with open(os.path.join(out, "metrics.json"), "w") as f:
            json.dump(metrics(atlas, uk), f)
        return 1 if regressions(json.load(open(cmd[cmd.index("--compare") + 1])), metrics(atlas, uk)) else 0
    return run


def setup(tmp_path, monkeypatch, atlas, uk):
    dest = fake_dist(tmp_path / "dist", 0.27, 0.373, "old")
    corr = tmp_path / "corr.jsonl"
    corr.write_text(json.dumps(CORR) + "\n")
    calls = []
    monkeypatch.setattr(retrain, "run", fake_runner(atlas, uk, calls))
    return dest, str(corr), str(tmp_path / "cand"), calls


def test_main_worse_exits_1_and_dist_identical(tmp_path, monkeypatch, data_dir):
    dest, corr, cand, calls = setup(tmp_path, monkeypatch, 0.26, 0.40)
    before = snapshot(dest)
    assert retrain.main([corr, "--data", data_dir, "--publish-to", dest, "--candidate", cand]) == 1
    assert snapshot(dest) == before and len(calls) == 2
    assert calls[0][calls[0].index("--epochs") + 1] == "11" and calls[0][calls[0].index("--seed") + 1] == "1"


def test_main_publishes_and_records_corrections(tmp_path, monkeypatch, data_dir):
    dest, corr, cand, calls = setup(tmp_path, monkeypatch, 0.27, 0.38)
    assert retrain.main([corr, "--data", data_dir, "--publish-to", dest, "--candidate", cand]) == 0
    bi = json.load(open(os.path.join(dest, "build_info.json")))
    c = bi["corrections"]
    assert c["files"][0]["sha256"] == hashlib.sha256(open(corr, "rb").read()).hexdigest()
    assert c["counts"]["used"] == 1 and c["train_rows"] == 1 and c["replaces"]["hs6_top1"]["atlas_validation"] == 0.27
    assert json.load(open(os.path.join(dest, "metrics.json")))["uk_search_refs_holdout"]["hs6_top1"] == 0.38


def test_main_rejects_exit_2_before_training(tmp_path, monkeypatch, data_dir):
    dest, corr, cand, calls = setup(tmp_path, monkeypatch, 0.30, 0.40)
    with open(corr, "a") as f:
        f.write(json.dumps({**CORR, "customer_email": "a@b.c"}) + "\n")
    before = snapshot(dest)
    assert retrain.main([corr, "--data", data_dir, "--publish-to", dest, "--candidate", cand]) == 2
    assert retrain.main([corr, "--data", data_dir, "--dry-run"]) == 2
    assert calls == [] and not os.path.exists(cand) and snapshot(dest) == before
    assert retrain.main([corr, "--data", data_dir, "--dry-run", "--allow-rejects"]) == 0 and calls == []


def test_main_refuses_foreign_candidate_dir(tmp_path, monkeypatch, data_dir):
    dest, corr, cand, calls = setup(tmp_path, monkeypatch, 0.30, 0.40)
    os.makedirs(cand)
    open(os.path.join(cand, "precious.txt"), "w").close()
    assert retrain.main([corr, "--data", data_dir, "--publish-to", dest, "--candidate", cand]) == 2
    assert calls == [] and os.listdir(cand) == ["precious.txt"]
