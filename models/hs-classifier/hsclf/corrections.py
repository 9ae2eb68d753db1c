"""Reader for customs corrections exported by the server (learning loop, issue #8) -> train.py --extra rows.

One JSON object per line, exactly these fields (nothing personal: descriptions, codes, dates only):
  description    non-empty string with at least one ASCII letter/digit word (what the tokenizer sees)
  hs_code        string of 6-10 digits: the code customs assessed; its first 6 digits must be a subheading of
                 the HS edition given by hs_edition (HS 2022 by default)
  quoted_code    null or a string of 4-10 digits (the code quoted at checkout)
  quoted_source  merchant | classifier | catalogue | missing ("missing" requires quoted_code null)
  destination    ISO 3166 alpha-2, two upper-case letters
  date           YYYY-MM-DD (a real calendar date)
  hs_edition     optional, 2022 (default) or 2017: an HS 2017-only subheading is mapped to HS 2022 when the project's
                 mapping (hsclf.data.build_2017_map) has exactly one candidate (with a warning), else rejected
Every line is accounted for: read = used + rejected + duplicates + superseded (conflicts) + dropped (eval overlap).
"""
import datetime
import hashlib
import json
import os
import re
from collections import Counter, defaultdict

from .data import EvalOverlap, Labels, normkey

REQUIRED = ("description", "hs_code", "quoted_code", "quoted_source", "destination", "date")
OPTIONAL = ("hs_edition",)
QUOTED_SOURCES = ("merchant", "classifier", "catalogue", "missing")
# stable reason codes of rejected lines
REASONS = ("invalid_json", "unknown_field", "missing_field", "empty_description", "invalid_hs_code",
           "hs_edition_ambiguous", "invalid_date", "invalid_value")

_HS = re.compile(r"[0-9]{6,10}")
_QUOTED = re.compile(r"[0-9]{4,10}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO2 = re.compile(r"[A-Z]{2}")


def _hs6(labels, code, edition):
    """-> (HS 2022 subheading, warning) or raise ValueError((field, reason, detail))."""
    if not isinstance(code, str) or not _HS.fullmatch(code):
        raise ValueError(("hs_code", "invalid_hs_code", "must be a string of 6 to 10 digits"))
    c = code[:6]
    if edition == 2022:
        if c not in labels.index:
            raise ValueError(("hs_code", "invalid_hs_code", f"{c} is not an HS 2022 subheading"))
        return c, None
    if labels.t17.level.get(c) != 6:
        raise ValueError(("hs_code", "invalid_hs_code", f"{c} is not an HS 2017 subheading"))
    if c in labels.index:  # unchanged subheading
        return c, None
    cands = labels.map_all.get(c, [])
    if len(cands) != 1:
        why = "no HS 2022 candidate under the same heading" if not cands else "candidates " + ", ".join(cands)
        raise ValueError(("hs_code", "hs_edition_ambiguous", f"HS 2017 {c}: {why}"))
    return cands[0], f"HS 2017 {c} mapped to HS 2022 {cands[0]}"


def parse_line(raw, labels):
    """Validate one line. Returns (row, problems, warning); row is None iff problems is non-empty.
    problems: list of (field, reason, detail); row: {description, hs6, hs_code, date, ...}."""
    try:
        obj = json.loads(raw)
    except ValueError as e:
        return None, [("", "invalid_json", str(e)[:120])], None
    if not isinstance(obj, dict):
        return None, [("", "invalid_json", "not a JSON object")], None
    probs = [(k, "unknown_field", "field not allowed (only " + ", ".join(REQUIRED + OPTIONAL) + ")")
             for k in obj if k not in REQUIRED + OPTIONAL]
    probs += [(k, "missing_field", "required field") for k in REQUIRED if k not in obj]

    d = obj.get("description")
    if "description" in obj:
        if not isinstance(d, str):
            probs.append(("description", "invalid_value", "must be a string"))
        elif not normkey(d):
            probs.append(("description", "empty_description", "empty or no ASCII letter/digit word"))
    ed = obj.get("hs_edition", 2022)
    if type(ed) is not int or ed not in (2017, 2022):  # not 2022.0, not true
        probs.append(("hs_edition", "invalid_value", "must be 2022 or 2017"))
        ed = None
    hs6, warning = None, None
    if "hs_code" in obj and ed is not None:
        try:
            hs6, warning = _hs6(labels, obj["hs_code"], ed)
        except ValueError as e:
            probs.append(e.args[0])
    q = obj.get("quoted_code")
    if q is not None and not (isinstance(q, str) and _QUOTED.fullmatch(q)):
        probs.append(("quoted_code", "invalid_value", "must be null or a string of 4 to 10 digits"))
    src = obj.get("quoted_source")
    if "quoted_source" in obj and src not in QUOTED_SOURCES:
        probs.append(("quoted_source", "invalid_value", "must be one of " + "|".join(QUOTED_SOURCES)))
    elif src == "missing" and q is not None:
        probs.append(("quoted_code", "invalid_value", "must be null when quoted_source is missing"))
    dest = obj.get("destination")
    if "destination" in obj and not (isinstance(dest, str) and _ISO2.fullmatch(dest)):
        probs.append(("destination", "invalid_value", "must be an ISO 3166 alpha-2 code, e.g. GB"))
    date = obj.get("date")
    if "date" in obj:
        ok = isinstance(date, str) and _DATE.fullmatch(date)
        try:
            ok = ok and datetime.date.fromisoformat(date)
        except ValueError:
            ok = False
        if not ok:
            probs.append(("date", "invalid_date", "must be a calendar date YYYY-MM-DD"))
    if probs:
        return None, probs, None
    return {"description": d.strip(), "hs6": hs6, "hs_code": obj["hs_code"], "date": date,
            "destination": dest, "quoted_code": q, "quoted_source": src}, [], warning


def _lines(path):
    """(line number, text or None if not UTF-8) of a file; a UTF-8 BOM on line 1 is ignored."""
    with open(path, "rb") as f:
        for i, b in enumerate(f, 1):
            if i == 1 and b.startswith(b"\xef\xbb\xbf"):
                b = b[3:]
            try:
                yield i, b.decode("utf-8")
            except UnicodeDecodeError:
                yield i, None


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_corrections(paths, data_dir, labels=None, overlap=None):
    """Validate and merge correction files. Returns (rows, report); rows = [{"text", "hs6"}] for train.py --extra."""
    labels = labels or Labels(data_dir)
    overlap = overlap or EvalOverlap(data_dir, labels)
    files, rejected, warnings, dropped, valid = [], [], [], [], []
    for path in paths:
        n = blank = 0
        for lineno, raw in _lines(path):
            if raw is not None and not raw.strip():
                blank += 1
                continue
            n += 1
            ref = f"{path}:{lineno}"
            row, probs, warning = parse_line(raw, labels) if raw is not None else (
                None, [("", "invalid_json", "not UTF-8")], None)
            if probs:
                rejected += [{"file": path, "line": lineno, "field": f, "reason": r, "detail": d} for f, r, d in probs]
                continue
            if warning:
                warnings.append({"ref": ref, "warning": warning})
            why = overlap.check(row["description"], ruling_like=True)  # same rule as train.py for --extra rows
            if why:
                dropped.append({"ref": ref, "reason": why, "description": row["description"][:80]})
                continue
            row["ref"] = ref
            valid.append(row)
        files.append({"path": path, "sha256": sha256_file(path), "lines": n, "blank_lines": blank})

    # duplicates (same normalised description, same HS 2022 subheading) count once; conflicting codes for
    # the same description: the most recent date wins (same date: the later line, files in the order given)
    groups = defaultdict(list)
    for i, r in enumerate(valid):
        groups[normkey(r["description"])].append(i)
    keep, conflicts, n_dup, n_sup = [], [], 0, 0
    for idx in groups.values():
        win = max(idx, key=lambda i: (valid[i]["date"], i))
        same = [i for i in idx if valid[i]["hs6"] == valid[win]["hs6"]]
        other = [i for i in idx if valid[i]["hs6"] != valid[win]["hs6"]]
        keep.append(min(same))  # first occurrence of the winning code keeps the input order
        n_dup += len(same) - 1
        n_sup += len(other)
        if other:
            w = valid[win]
            conflicts.append({"description": w["description"][:80], "kept": {k: w[k] for k in ("hs6", "date", "ref")},
                              "tie": any(valid[i]["date"] == w["date"] for i in other),
                              "superseded": [{k: valid[i][k] for k in ("hs6", "date", "ref")} for i in other]})
    rows = [{"text": valid[i]["description"], "hs6": valid[i]["hs6"]} for i in sorted(keep)]
    rej_lines = len({(r["file"], r["line"]) for r in rejected})
    counts = {"read": sum(f["lines"] for f in files), "used": len(rows), "rejected": rej_lines,
              "duplicates": n_dup, "conflicts": len(conflicts), "superseded_by_conflict": n_sup,
              "dropped_eval_overlap": len(dropped), "mapped_hs2017": len(warnings),
              "blank_lines": sum(f["blank_lines"] for f in files)}
    assert counts["read"] == len(rows) + rej_lines + n_dup + n_sup + len(dropped), counts
    report = {"files": files, "counts": counts,
              "rejected_by_reason": dict(Counter(r["reason"] for r in rejected)),
              "eval_overlap_by_reason": dict(Counter(d["reason"] for d in dropped)),
              "rejected": rejected, "eval_overlap": dropped, "conflicts": conflicts, "warnings": warnings}
    return rows, report


def format_report(report, max_list=50):
    c = report["counts"]
    out = [f"corrections: read {c['read']}, used {c['used']}, rejected {c['rejected']}, duplicates {c['duplicates']}, "
           f"superseded by a conflicting later code {c['superseded_by_conflict']} ({c['conflicts']} conflicts), "
           f"dropped as eval overlap {c['dropped_eval_overlap']}, mapped from HS 2017 {c['mapped_hs2017']}"
           + (f", blank lines {c['blank_lines']}" if c["blank_lines"] else "")]
    for f in report["files"]:
        out.append(f"  {f['path']}: {f['lines']} lines, sha256 {f['sha256']}")

    def listing(title, items, fmt):
        if items:
            out.append(title + ":")
            out.extend("  " + fmt(x) for x in items[:max_list])
            if len(items) > max_list:
                out.append(f"  ... {len(items) - max_list} more (full list in the JSON report)")
    listing(f"rejected lines: {c['rejected']}; problems by reason " + json.dumps(report["rejected_by_reason"]),
            report["rejected"],
            lambda r: f"{r['file']}:{r['line']} {r['field'] or '-'} {r['reason']}: {r['detail']}")
    listing(f"dropped, overlap with an evaluation set: {c['dropped_eval_overlap']} "
            + json.dumps(report["eval_overlap_by_reason"]),
            report["eval_overlap"], lambda d: f"{d['ref']} {d['reason']}: {d['description']!r}")

    def conflict(k):
        w = k["kept"]
        sup = ", ".join(f"{s['hs6']} ({s['date']}, {s['ref']})" for s in k["superseded"])
        return (f"{k['description']!r}: kept {w['hs6']} ({w['date']}, {w['ref']}), superseded {sup}"
                + (" [same date]" if k["tie"] else ""))
    listing(f"conflicts (most recent kept): {c['conflicts']}", report["conflicts"], conflict)
    listing(f"warnings: {len(report['warnings'])}", report["warnings"], lambda w: f"{w['ref']} {w['warning']}")
    return "\n".join(out)


def write_extra(rows, path):
    """train.py --extra format: {"text", "hs6"} per line."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
