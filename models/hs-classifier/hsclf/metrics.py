import numpy as np


def score(probs_list, gold_list, codes):
    """probs_list: iterable of [C] arrays; gold_list: list of lists of HS6 codes (any-of)."""
    n = 0
    acc = {"hs2_top1": 0, "hs4_top1": 0, "hs6_top1": 0, "hs6_top3": 0, "hs6_top5": 0}
    for p, gold in zip(probs_list, gold_list):
        n += 1
        top = np.argsort(-p, kind="stable")[:5]
        tc = [codes[i] for i in top]
        g = set(gold)
        acc["hs6_top1"] += tc[0] in g
        acc["hs6_top3"] += bool(g & set(tc[:3]))
        acc["hs6_top5"] += bool(g & set(tc[:5]))
        acc["hs4_top1"] += tc[0][:4] in {x[:4] for x in g}
        acc["hs2_top1"] += tc[0][:2] in {x[:2] for x in g}
    out = {k: round(v / max(n, 1), 4) for k, v in acc.items()}
    out["n"] = n
    return out


def table(metrics):
    keys = ["hs2_top1", "hs4_top1", "hs6_top1", "hs6_top3", "hs6_top5"]
    lines = ["| eval set | n | " + " | ".join(keys) + " |", "|---|---|" + "---|" * len(keys)]
    for name, m in metrics.items():
        lines.append(f"| {name} | {m['n']} | " + " | ".join(f"{100 * m[k]:.1f}" for k in keys) + " |")
    return "\n".join(lines)


EVAL_SETS = ("atlas_validation", "uk_search_refs_holdout")


def regressions(old, new, tolerance=0.0, sets=EVAL_SETS):
    """The publish gate: HS6 top-1 of `new` must not drop (by more than `tolerance`) on any fixed eval set.
    old/new: metrics.json dicts. Returns the list of reasons (empty = not worse). A set missing from `new`
    counts as worse; a set missing from `old` is not compared."""
    worse = []
    for name in sets:
        o = old.get(name, {}).get("hs6_top1")
        n = new.get(name, {}).get("hs6_top1")
        if o is None:
            continue
        if n is None:
            worse.append(f"{name}: no HS6 top-1 in the new metrics")
        elif n < o - tolerance:
            worse.append(f"{name}: HS6 top-1 {100 * n:.1f}% < {100 * o:.1f}%")
    return worse
