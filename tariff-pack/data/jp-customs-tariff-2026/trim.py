"""Trims the shared flattened Japanese tariff to what `tariff-pack` reads (see SOURCE.md).

Input: japan_tariff_2026-07-09_flat.csv (one row per nine-digit statistical line, blank general/temporary/WTO
cells already filled from the nearest ancestor row). Output: jp_tariff_2026-07-09.csv with the code, the three
MFN columns and the 22 EPA columns, cells unchanged; descriptions, GSP columns and units are dropped.
Usage: python3 trim.py /path/to/japan_tariff_2026-07-09_flat.csv > jp_tariff_2026-07-09.csv
"""
import csv
import sys

MFN = ["基本", "暫定", "WTO協定"]

with open(sys.argv[1], encoding="utf-8", newline="") as fh:
    reader = csv.DictReader(fh)
    epa = [c for c in reader.fieldnames if c.startswith("EPA_")]
    cols = ["stat_code_9"] + MFN + epa
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(cols)
    for row in reader:
        out.writerow([row[c] for c in cols])
