#!/usr/bin/env python3
"""Learning loop: retrain the classifier with customs corrections and publish it only if it is not worse.

    bash retrain.sh [--dry-run] [--allow-rejects] [--publish-to dist/] [--candidate dist_candidate/] FILE.jsonl [...]

1. validate the correction files (hsclf/corrections.py; rejected lines -> exit 2 unless --allow-rejects;
   texts overlapping the eval sets are dropped and counted), 2. write them in train.py's --extra format,
3. train a candidate from scratch (base data + corrections) with the shipped model's recorded hyperparameters and
   seed, 4. evaluate.py --compare <publish-to>/metrics.json, 5. publish (copy the files over <publish-to>) only if
   HS6 top-1 did not drop on either fixed eval set. Exit: 0 published (or --dry-run ok), 1 worse (nothing
   changed), 2 bad input, 3 training / evaluation failed.
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from hsclf.corrections import format_report, read_corrections, write_extra  # noqa: E402
from hsclf.metrics import EVAL_SETS, regressions  # noqa: E402

PUBLISHED = ("model.onnx", "tokenizer.json", "labels.json", "golden.jsonl", "metrics.json", "build_info.json",
             "README-runtime.md")
MARKER = ".retrain-candidate"
# train.py arguments taken from the shipped build_info.json (not: paths, monitoring, experiment switches)
NOT_RECIPE = {"extra", "distill", "save_ckpt", "eval_every"}
ENV = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0"}  # as run.sh


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def load_json(path):
    with open(path) as f:
        return json.load(f)


def golden_top1(path):
    with open(path, encoding="utf-8") as f:
        return [(j["text"], j["codes"][0] if j["codes"] else None) for j in map(json.loads, f)]


def describe_changes(old_dir, new_dir, files=PUBLISHED):
    """Human-readable diff of two dist dirs: files, HS6/HS4 metrics, golden top-1 answers."""
    out = []
    for fn in files:
        o, n = os.path.join(old_dir, fn), os.path.join(new_dir, fn)
        if not os.path.exists(o):
            out.append(f"  {fn}: new ({os.path.getsize(n)} bytes)")
        elif sha256(o) == sha256(n):
            out.append(f"  {fn}: unchanged")
        else:
            out.append(f"  {fn}: changed, {os.path.getsize(o)} -> {os.path.getsize(n)} bytes, "
                       f"sha256 {sha256(o)[:12]} -> {sha256(n)[:12]}")
    try:
        mo, mn = load_json(os.path.join(old_dir, "metrics.json")), load_json(os.path.join(new_dir, "metrics.json"))
        out.append("  | eval set | metric | before | after |\n  |---|---|---|---|")
        for s in EVAL_SETS:
            for k in ("hs4_top1", "hs6_top1", "hs6_top5"):
                o, n = mo.get(s, {}).get(k), mn.get(s, {}).get(k)
                if o is not None and n is not None:
                    out.append(f"  | {s} | {k} | {100 * o:.1f} | {100 * n:.1f} |")
    except (OSError, ValueError):
        out.append("  (metrics not comparable)")
    try:
        go, gn = golden_top1(os.path.join(old_dir, "golden.jsonl")), golden_top1(os.path.join(new_dir, "golden.jsonl"))
        diff = [(t, a, b) for (t, a), (_, b) in zip(go, gn) if a != b]
        out.append(f"  golden.jsonl: top-1 changed for {len(diff)} of {len(gn)} texts"
                   + "".join(f"\n    {t[:60]!r}: {a} -> {b}" for t, a, b in diff))
    except (OSError, ValueError, KeyError):
        pass
    return "\n".join(out)


def publish(candidate, dest, tolerance=0.0, files=PUBLISHED, log=print):
    """The gate: copy the candidate's files over `dest` only if the candidate's metrics are not worse than dest's
    (hsclf.metrics.regressions: HS6 top-1 on each fixed eval set). Returns the reasons for refusing; an empty list
    means published. When refused, nothing under `dest` is written."""
    try:
        old = load_json(os.path.join(dest, "metrics.json"))
        new = load_json(os.path.join(candidate, "metrics.json"))
    except (OSError, ValueError) as e:
        return [f"cannot compare metrics: {e}"]
    worse = regressions(old, new, tolerance)
    missing = [fn for fn in files if not os.path.isfile(os.path.join(candidate, fn))]
    if missing:
        worse.append("candidate lacks " + ", ".join(missing))
    if worse:
        log(f"NOT PUBLISHED, {dest} left unchanged: " + "; ".join(worse))
        log(describe_changes(dest, candidate, [fn for fn in files if fn not in missing]))
        return worse
    changes = describe_changes(dest, candidate, files)
    for fn in files:  # each file replaced atomically
        tmp = os.path.join(dest, f".{fn}.tmp")
        shutil.copyfile(os.path.join(candidate, fn), tmp)
        os.replace(tmp, os.path.join(dest, fn))
    log(f"PUBLISHED to {dest}:\n{changes}")
    return []


def fresh_dir(path):
    """Empty candidate dir; only a previous candidate (with the marker file) is deleted. False = refused."""
    if os.path.isdir(path) and os.listdir(path):
        if not os.path.exists(os.path.join(path, MARKER)):
            return False
        shutil.rmtree(path)
    os.makedirs(path, exist_ok=True)
    open(os.path.join(path, MARKER), "w").close()
    return True


def recipe_args(build_info):
    """train.py arguments that reproduce the shipped model's recipe (seed included)."""
    args = []
    for k, v in build_info.get("args", {}).items():
        if k in NOT_RECIPE:
            continue
        args += [f"--{k.replace('_', '-')}", str(v)]
    if build_info.get("args", {}).get("distill") == "":
        args += ["--distill", ""]
    return args


def run(cmd):
    print("+", " ".join(cmd), flush=True)
    return subprocess.call(cmd, env={**os.environ, **ENV}, cwd=HERE)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+", help="correction files (JSON lines, server export format)")
    ap.add_argument("--dry-run", action="store_true", help="validate and report only")
    ap.add_argument("--allow-rejects", action="store_true", help="train on the valid lines even if some are rejected")
    ap.add_argument("--publish-to", default=os.path.join(HERE, "dist"), help="dist dir compared against and replaced")
    ap.add_argument("--candidate", default=os.path.join(HERE, "dist_candidate"), help="fresh dir the candidate is built in")
    ap.add_argument("--data", default=os.path.join(HERE, "..", "..", "..", "shared", "data"))
    ap.add_argument("--report", default="", help="also write the JSON report here")
    ap.add_argument("--tolerance", type=float, default=0.0, help="allowed HS6 top-1 drop (fraction), as evaluate.py")
    a = ap.parse_args(argv)
    data = os.path.abspath(a.data)
    for p in a.files:
        if not os.path.isfile(p):
            print(f"no such file: {p}")
            return 2

    rows, report = read_corrections(a.files, data)
    print(format_report(report), flush=True)
    if a.report:
        with open(a.report, "w") as f:
            json.dump(report, f, indent=1, ensure_ascii=False)
    if report["counts"]["rejected"] and not a.allow_rejects:
        print(f"{report['counts']['rejected']} rejected lines: fix them or pass --allow-rejects (exit 2)")
        return 2
    if not rows:
        print("no usable corrections: nothing to train on (exit 2)")
        return 2
    if a.dry_run:
        print(f"dry run: {len(rows)} corrections would be added to training")
        return 0

    dest, cand = os.path.abspath(a.publish_to), os.path.abspath(a.candidate)
    if dest == cand or not os.path.isfile(os.path.join(dest, "metrics.json")):
        print(f"--publish-to {dest} must be a dist dir with metrics.json, distinct from --candidate (exit 2)")
        return 2
    shipped = load_json(os.path.join(dest, "build_info.json"))
    ours = {f["sha256"] for f in report["files"]}
    for f in shipped.get("corrections", {}).get("files", []):
        if f["sha256"] not in ours:
            print(f"warning: the current model was also trained on {f['path']} (sha256 {f['sha256'][:12]}), "
                  "which is not in this run: pass every correction file that should stay in the model")
    if not fresh_dir(cand):
        print(f"{cand} exists and is not a previous candidate: refusing to overwrite it (exit 2)")
        return 2
    extra = os.path.join(cand, "corrections.train.jsonl")
    write_extra(rows, extra)
    with open(os.path.join(cand, "corrections_report.json"), "w") as f:
        json.dump(report, f, indent=1, ensure_ascii=False)

    t0 = time.time()
    rc = run([sys.executable, "train.py", "--data", data, "--out", cand, "--extra", extra] + recipe_args(shipped))
    if rc != 0:
        print(f"training failed (rc {rc}); {dest} unchanged (exit 3)")
        return 3
    bi_path = os.path.join(cand, "build_info.json")
    bi = load_json(bi_path)
    old_metrics = load_json(os.path.join(dest, "metrics.json"))
    n_extra = bi.get("data_info", {}).get("by_source", {}).get("extra", 0)
    if n_extra != len(rows):
        print(f"warning: train.py used {n_extra} correction rows, the reader passed {len(rows)}")
    bi["corrections"] = {"files": [{"path": os.path.basename(f["path"]), "sha256": f["sha256"], "lines": f["lines"]}
                                   for f in report["files"]],
                         "counts": report["counts"], "train_rows": n_extra,
                         "replaces": {"model.onnx sha256": sha256(os.path.join(dest, "model.onnx")),
                                      "hs6_top1": {s: old_metrics.get(s, {}).get("hs6_top1") for s in EVAL_SETS}},
                         "date": time.strftime("%Y-%m-%d")}
    bi["args"]["extra"] = [os.path.basename(extra)]
    with open(bi_path, "w") as f:
        json.dump(bi, f, indent=1)

    rc = run([sys.executable, "evaluate.py", "--data", data, "--dist", cand,
              "--compare", os.path.join(dest, "metrics.json"), "--tolerance", str(a.tolerance)])
    if rc not in (0, 1) or not os.path.isfile(os.path.join(cand, "metrics.json")):
        print(f"evaluation failed (rc {rc}); {dest} unchanged (exit 3)")
        return 3
    worse = publish(cand, dest, a.tolerance)
    if bool(worse) != (rc == 1):
        print(f"warning: evaluate.py exit {rc} disagrees with the gate ({worse or 'not worse'})")
    print(f"retrain took {time.time() - t0:.0f}s; candidate kept in {cand}")
    return 1 if worse else 0


if __name__ == "__main__":
    sys.exit(main())
