"""Correction-file reader: strict validation with stable reason codes, duplicates / conflicts, eval overlap, HS 2017."""
import json

import pytest

from hsclf.corrections import REASONS, read_corrections, write_extra
from hsclf.data import load_atlas, load_uk_eval


def rec(**over):
    r = {"description": "Men's cotton T-shirt, printed", "hs_code": "61091000", "quoted_code": "610990",
         "quoted_source": "classifier", "destination": "GB", "date": "2026-11-20", "hs_edition": 2022}
    for k, v in over.items():
        if v is DROP:
            r.pop(k)
        else:
            r[k] = v
    return r


DROP = object()


def write(tmp_path, lines, name="c.jsonl"):
    p = tmp_path / name
    p.write_text("".join((x if isinstance(x, str) else json.dumps(x, ensure_ascii=False)) + "\n" for x in lines),
                 encoding="utf-8")
    return str(p)


@pytest.fixture
def read(data_dir, labels, overlap):
    return lambda paths: read_corrections(paths, data_dir, labels, overlap)


def balanced(c):
    return c["read"] == c["used"] + c["rejected"] + c["duplicates"] + c["superseded_by_conflict"] + c["dropped_eval_overlap"]


def test_valid_line(tmp_path, read):
    rows, rep = read([write(tmp_path, [rec()])])
    assert rows == [{"text": "Men's cotton T-shirt, printed", "hs6": "610910"}]
    assert rep["counts"]["read"] == 1 and rep["counts"]["used"] == 1 and rep["counts"]["rejected"] == 0
    assert rows == read([write(tmp_path, [rec(hs_edition=DROP, quoted_code=None, quoted_source="missing")])])[0]


BAD = [
    ("not json at all", "", "invalid_json"),
    ("[1, 2]", "", "invalid_json"),
    ('{"description": "x",', "", "invalid_json"),
    (rec(date=DROP), "date", "missing_field"),
    (rec(quoted_code=DROP), "quoted_code", "missing_field"),
    (rec(description=DROP), "description", "missing_field"),
    (rec(customer_name="Jane Doe"), "customer_name", "unknown_field"),
    (rec(address="1 High St"), "address", "unknown_field"),
    (rec(hs_code="6109"), "hs_code", "invalid_hs_code"),
    (rec(hs_code="61091000001"), "hs_code", "invalid_hs_code"),
    (rec(hs_code=61091000), "hs_code", "invalid_hs_code"),
    (rec(hs_code="6109.10.00"), "hs_code", "invalid_hs_code"),
    (rec(hs_code="999999"), "hs_code", "invalid_hs_code"),
    (rec(hs_code="851712"), "hs_code", "invalid_hs_code"),  # HS 2017-only subheading given as HS 2022
    (rec(hs_code="040320", hs_edition=2017), "hs_code", "invalid_hs_code"),  # new in HS 2022, not HS 2017
    (rec(date="2026-02-30"), "date", "invalid_date"),
    (rec(date="20-11-2026"), "date", "invalid_date"),
    (rec(date="2026-11-20T10:00:00"), "date", "invalid_date"),
    (rec(date=20261120), "date", "invalid_date"),
    (rec(hs_code="851712", hs_edition=2017), "hs_code", "hs_edition_ambiguous"),  # -> 851713/14/71/79
    (rec(hs_code="030510", hs_edition=2017), "hs_code", "hs_edition_ambiguous"),  # no candidate in heading 0305
    (rec(description=""), "description", "empty_description"),
    (rec(description="   "), "description", "empty_description"),
    (rec(description="电动自行车锂电池"), "description", "empty_description"),
    (rec(description=None), "description", "invalid_value"),
    (rec(quoted_source="robot"), "quoted_source", "invalid_value"),
    (rec(quoted_source="missing"), "quoted_code", "invalid_value"),  # missing but a code given
    (rec(quoted_code="61-09"), "quoted_code", "invalid_value"),
    (rec(destination="gbr"), "destination", "invalid_value"),
    (rec(destination="gb"), "destination", "invalid_value"),
    (rec(hs_edition=2012), "hs_edition", "invalid_value"),
    (rec(hs_edition="2022"), "hs_edition", "invalid_value"),
    (rec(hs_edition=2022.0), "hs_edition", "invalid_value"),
]


@pytest.mark.parametrize("line,field,reason", BAD)
def test_bad_line_rejected_with_line_field_reason(tmp_path, read, line, field, reason):
    p = write(tmp_path, [rec(description="valid first line"), line])
    rows, rep = read([p])
    c = rep["counts"]
    assert (c["read"], c["used"], c["rejected"]) == (2, 1, 1) and balanced(c)
    assert reason in REASONS
    assert {"file": p, "line": 2, "field": field, "reason": reason} in [
        {k: r[k] for k in ("file", "line", "field", "reason")} for r in rep["rejected"]]
    assert rep["rejected_by_reason"].get(reason, 0) >= 1


def test_every_reason_code_is_exercised():
    assert {r for _, _, r in BAD} == set(REASONS)


def test_not_utf8_and_blank_lines(tmp_path, read):
    p = tmp_path / "c.jsonl"
    p.write_bytes(b"\n" + json.dumps(rec()).encode() + b"\n\n" + b'{"description": "caf\xe9"}\n')
    rows, rep = read([str(p)])
    assert rep["counts"]["blank_lines"] == 2 and rep["counts"]["read"] == 2 and rep["counts"]["used"] == 1
    assert [(r["line"], r["reason"]) for r in rep["rejected"]] == [(4, "invalid_json")]


def test_several_problems_one_line_counted_once(tmp_path, read):
    rows, rep = read([write(tmp_path, [rec(date="x", destination="x", email="a@b.c")])])
    assert rep["counts"]["rejected"] == 1 and len(rep["rejected"]) == 3 and rows == []


def test_duplicates_count_once(tmp_path, read):
    lines = [rec(), rec(description="MEN'S COTTON T-SHIRT PRINTED", hs_code="610910", date="2026-10-01"),
             rec(hs_code="6109100010", destination="US"), rec(description="Leather handbag", hs_code="420221")]
    rows, rep = read([write(tmp_path, lines)])
    assert rows == [{"text": "Men's cotton T-shirt, printed", "hs6": "610910"}, {"text": "Leather handbag", "hs6": "420221"}]
    c = rep["counts"]
    assert (c["read"], c["used"], c["duplicates"], c["conflicts"]) == (4, 2, 2, 0) and balanced(c)


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 1, 0), (1, 2, 0)])
def test_conflict_keeps_most_recent(tmp_path, read, order):
    lines = [rec(hs_code="610990", date="2026-10-01"), rec(hs_code="61091000", date="2026-11-20"),
             rec(hs_code="620520", date="2026-09-15")]
    p = write(tmp_path, [lines[i] for i in order])
    rows, rep = read([p])
    assert rows == [{"text": "Men's cotton T-shirt, printed", "hs6": "610910"}]
    c = rep["counts"]
    assert (c["used"], c["conflicts"], c["superseded_by_conflict"]) == (1, 1, 2) and balanced(c)
    k = rep["conflicts"][0]
    assert k["kept"]["hs6"] == "610910" and k["kept"]["date"] == "2026-11-20" and not k["tie"]
    assert sorted(s["hs6"] for s in k["superseded"]) == ["610990", "620520"]


def test_conflict_same_date_later_line_wins_and_is_flagged(tmp_path, read):
    p1 = write(tmp_path, [rec(hs_code="610990")], "a.jsonl")
    p2 = write(tmp_path, [rec(hs_code="610910")], "b.jsonl")
    rows, rep = read([p1, p2])
    assert rows[0]["hs6"] == "610910" and rep["conflicts"][0]["tie"]
    assert rep["conflicts"][0]["superseded"][0]["ref"] == p1 + ":1"
    assert read([p2, p1])[0][0]["hs6"] == "610990"


def test_eval_overlap_dropped_and_counted(tmp_path, read, data_dir, labels):
    uk = load_uk_eval(data_dir, labels)[0]["text"]
    atlas = load_atlas(data_dir, labels)[0]["text"]
    lines = [rec(description=uk.upper() + " !"), rec(description=atlas),
             rec(description=atlas + " supplied in retail packaging"), rec(description="Leather handbag", hs_code="420221")]
    rows, rep = read([write(tmp_path, lines)])
    assert rows == [{"text": "Leather handbag", "hs6": "420221"}]
    c = rep["counts"]
    assert c["dropped_eval_overlap"] == 3 and c["rejected"] == 0 and balanced(c)
    assert [d["reason"] for d in rep["eval_overlap"]] == ["exact_eval_text", "exact_eval_text", "atlas_near_dup"]


def test_hs2017_mapping(tmp_path, read):
    lines = [rec(description="Greek yoghurt", hs_code="04031011", hs_edition=2017),   # 040310 -> 040320 (only candidate)
             rec(description="Cotton T-shirt", hs_code="610910", hs_edition=2017)]   # unchanged in HS 2022
    rows, rep = read([write(tmp_path, lines)])
    assert rows == [{"text": "Greek yoghurt", "hs6": "040320"}, {"text": "Cotton T-shirt", "hs6": "610910"}]
    assert rep["counts"]["mapped_hs2017"] == 1
    assert "040310" in rep["warnings"][0]["warning"] and "040320" in rep["warnings"][0]["warning"]


def test_write_extra_is_train_py_format(tmp_path, read):
    rows, _ = read([write(tmp_path, [rec(), rec(description="Greek yoghurt", hs_code="040310", hs_edition=2017)])])
    out = tmp_path / "extra.jsonl"
    write_extra(rows, str(out))
    got = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert got == [{"text": "Men's cotton T-shirt, printed", "hs6": "610910"}, {"text": "Greek yoghurt", "hs6": "040320"}]
