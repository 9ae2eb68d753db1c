#!/usr/bin/env python3
"""Writes tariff-pack/data/eu-cet-2020-free/cet_free_hs2022.txt: the codes whose EU Common External Tariff (CN 2020)
third-country duty is "free" (0.0 %), as HS 2022 basket codes, for the `not_hs_set_file` of the EU flat rate of duty
on non-commercial consignments (CN preliminary provisions Part One Section II D.1 as amended by Council Regulation (EC)
No 275/2008: the 2.5 % flat rate "shall not apply to goods for which the rate of duty in the schedule of customs
duties is 'free'").

Usage: scripts/eu-cet-free-list.py  (run from the repository root; reads the vendored tariff-pack/data files)

Inputs (vendored): uk-global-tariff-2021/global-uk-tariff.csv (column cet_duty_rate = the CET 2020, CN8/CN10 lines in
HS 2017), hs-correlation-2022-2017/unsd-hs2022-hs2017-correlation.csv (UNSD HS 2022 -> HS 2017 pairs) and
hs-nomenclature-2022/harmonized-system.csv (the HS 2022 subheadings).

How a code gets on the list:
- An HS 2022 subheading whose only HS 2017 source is the same code keeps the CN lines of the CET beneath it: the
  shortest prefix (6, 8 or 10 digits) under which every CET line is free is written.
- Any other HS 2022 subheading (new, split or merged in 2022) is written as its 6 digits only when every CET line of
  every HS 2017 source subheading is free; otherwise nothing beneath it is listed (its lines keep the flat rate).
- A heading (4 digits) or chapter (2 digits) is written instead of its subheadings when every HS 2022 subheading under
  it is wholly listed.
A code not listed is "not free" for the measure: a line is never spared the flat rate on a guess. The script checks
its counts and stops on a surprise.
"""
import csv
import sys
from collections import defaultdict
from pathlib import Path

DATA = Path("tariff-pack/data")
OUT = DATA / "eu-cet-2020-free" / "cet_free_hs2022.txt"

cet = {}
with open(DATA / "uk-global-tariff-2021" / "global-uk-tariff.csv", newline="") as f:
    for r in csv.DictReader(f):
        cet[r["commodity"]] = r["cet_duty_rate"].strip() == "0.0%"
if len(cet) != 11830:
    sys.exit(f"expected 11,830 CET lines, read {len(cet)}")

by_hs6 = defaultdict(list)
for code, free in cet.items():
    by_hs6[code[:6]].append((code, free))

sources = defaultdict(set)
with open(DATA / "hs-correlation-2022-2017" / "unsd-hs2022-hs2017-correlation.csv", newline="") as f:
    rows = [r for r in csv.reader(f) if r and r[0].isdigit() and len(r[0]) == 6]
for r in rows:
    sources[r[0]].add(r[1])

hs2022 = []
with open(DATA / "hs-nomenclature-2022" / "harmonized-system.csv", newline="") as f:
    for r in csv.DictReader(f):
        if r["level"] == "6" and r["hscode"] != "999999":
            hs2022.append(r["hscode"])
if len(hs2022) != 5612:
    sys.exit(f"expected 5,612 HS 2022 subheadings, read {len(hs2022)}")
missing = [h for h in hs2022 if h not in sources]
if missing:
    sys.exit(f"HS 2022 subheadings without a correlation row: {missing[:5]}")


def wholly_free(hs2017):
    lines = by_hs6.get(hs2017, [])
    return bool(lines) and all(free for _, free in lines)


def cn_prefixes(lines):
    """Shortest prefixes (8 or 10 digits) under which every CET line is free."""
    out, done = [], []
    for n in (8, 10):
        groups = defaultdict(list)
        for code, free in lines:
            if len(code) >= n and not any(code.startswith(d) for d in done):
                groups[code[:n]].append(free)
        for p, fs in sorted(groups.items()):
            if all(fs):
                out.append(p)
                done.append(p)
    return out


whole = set()  # HS 2022 subheadings wholly listed
partial = {}  # HS 2022 subheading -> CN codes listed beneath it
for h in hs2022:
    src = sources[h]
    if src == {h}:
        if wholly_free(h):
            whole.add(h)
        else:
            cn = cn_prefixes(by_hs6.get(h, []))
            if cn:
                partial[h] = cn
    elif all(wholly_free(s) for s in src):
        whole.add(h)

codes = []
listed_prefixes = set()
for n in (2, 4):
    groups = defaultdict(list)
    for h in hs2022:
        if not any(h.startswith(p) for p in listed_prefixes):
            groups[h[:n]].append(h in whole)
    for p, ws in sorted(groups.items()):
        if all(ws):
            listed_prefixes.add(p)
for h in hs2022:
    if any(h.startswith(p) for p in listed_prefixes):
        continue
    if h in whole:
        codes.append(h)
    elif h in partial:
        codes.extend(partial[h])
codes = sorted(listed_prefixes) + sorted(codes)
codes.sort()

changed_free = sorted(h for h in whole if sources[h] != {h})
if not 1000 < len(codes) < 2000 or not 2400 < sum(cet.values()) < 2800:
    sys.exit(f"unexpected size: {len(codes)} codes from {sum(cet.values())} free CET lines")

OUT.parent.mkdir(parents=True, exist_ok=True)
with open(OUT, "w") as f:
    f.write("# EU CET 2020 (CN 2020) third-country duty 'free', as HS 2022 basket codes: the goods the 2.5 % flat rate\n")
    f.write("# for non-commercial consignments does not apply to (CN Part One Section II D.1, Reg. (EC) No 275/2008).\n")
    f.write(f"# {len(codes)} codes from {sum(cet.values())} free CET lines of {len(cet)}; "
            f"{len(changed_free)} HS 2022 subheadings changed in 2022 whose HS 2017 sources are all free.\n")
    f.write("# Generated by scripts/eu-cet-free-list.py from tariff-pack/data/uk-global-tariff-2021 (cet_duty_rate),\n")
    f.write("# hs-correlation-2022-2017 and hs-nomenclature-2022; see SOURCE.md. Do not edit by hand.\n")
    for c in codes:
        f.write(c + "\n")
print(f"wrote {OUT}: {len(codes)} codes ({len(listed_prefixes)} chapters/headings, "
      f"{len(changed_free)} changed HS 2022 subheadings wholly free)")
