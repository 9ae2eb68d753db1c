#!/usr/bin/env python3
"""Writes fuzz/seeds/basket/: every basket of the golden cases (tests/cases/**/*.yaml) as compact
JSON, one file per case, named after the case. Needs PyYAML. Run from the repository root:
    python3 fuzz/scripts/basket_seeds.py
"""
import datetime
import glob
import json
import os

import yaml

out = os.path.join("fuzz", "seeds", "basket")
os.makedirs(out, exist_ok=True)


def plain(v):
    # YAML reads `date: 2026-11-25` as a date; the basket wants the string.
    if isinstance(v, (datetime.date, datetime.datetime)):
        return v.isoformat()
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    return v


n = 0
for path in sorted(glob.glob("tests/cases/**/*.yaml", recursive=True)):
    with open(path) as f:
        cases = yaml.safe_load(f)
    for case in cases:
        basket = case.get("basket")
        if basket is None:
            continue
        with open(os.path.join(out, "golden-" + case["name"] + ".json"), "w") as f:
            json.dump(plain(basket), f, separators=(",", ":"))
        n += 1
print(f"{n} baskets written to {out}")
