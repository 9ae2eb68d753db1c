"""Loading of the labelled data in shared/data, HS 2017->2022 mapping and the fixed evaluation sets."""
import csv
import hashlib
import json
import os
import re
from collections import defaultdict

_W = re.compile(r"[a-z0-9]+")


def normkey(text):
    """Normalised text used for dedupe / hold-out: lowercase ASCII words joined by one space."""
    return " ".join(_W.findall(text.lower()))


def hbucket(key, mod=100):
    return int(hashlib.md5(key.encode("utf-8")).hexdigest()[:8], 16) % mod


def is_uk_holdout(text):
    """UK search-reference eval set: 10 % of distinct normalised texts, chosen by md5."""
    return hbucket("uk-eval:" + normkey(text)) < 10


def is_calibration(text):
    """Calibration split for temperature fitting (5 % of real-text training rows, never an eval set)."""
    return hbucket("calib:" + normkey(text)) < 5


def _csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# --------------------------------------------------------------------------- HS trees
class HSTree:
    def __init__(self, data_dir, edition="2022"):
        rows = _csv(os.path.join(data_dir, f"hs-nomenclature-{edition}", "harmonized-system.csv"))
        self.desc = {}
        self.level = {}
        for r in rows:
            c = r["hscode"]
            if c in ("TOTAL", "99", "9999", "999999") or r["level"] not in ("2", "4", "6"):
                continue
            self.desc[c] = r["description"]
            self.level[c] = int(r["level"])
        self.hs6 = sorted(c for c, l in self.level.items() if l == 6)
        self.hs4 = sorted(c for c, l in self.level.items() if l == 4)
        self.hs2 = sorted(c for c, l in self.level.items() if l == 2)


def _words(s):
    return set(w for w in _W.findall(s.lower()) if len(w) > 2 and w != "other")


def build_2017_map(t17, t22):
    """HS 2017-only subheadings -> HS 2022 candidates.

    No WCO correlation table is available, so: candidates = HS 2022-only subheadings under the same
    heading; 'best' = the candidate whose description shares most words with the 2017 description.
    Codes with no candidate (heading gone / split to other headings) are dropped."""
    s22 = set(t22.hs6)
    new22 = [c for c in t22.hs6 if c not in set(t17.hs6)]
    by_head = defaultdict(list)
    for c in new22:
        by_head[c[:4]].append(c)
    best, allc = {}, {}
    for c in t17.hs6:
        if c in s22:
            continue
        cands = by_head.get(c[:4], [])
        if not cands:
            continue
        w = _words(t17.desc[c])
        scored = sorted(cands, key=lambda x: (-len(w & _words(t22.desc[x])), x))
        best[c] = scored[0]
        allc[c] = sorted(cands)
    return best, allc


class Labels:
    def __init__(self, data_dir):
        self.t22 = HSTree(data_dir, "2022")
        self.t17 = HSTree(data_dir, "2017")
        self.map_best, self.map_all = build_2017_map(self.t17, self.t22)
        self.codes = self.t22.hs6
        self.index = {c: i for i, c in enumerate(self.codes)}
        self.h4 = self.t22.hs4
        self.h4_index = {c: i for i, c in enumerate(self.h4)}
        self.h2 = self.t22.hs2
        self.h2_index = {c: i for i, c in enumerate(self.h2)}
        self.stats = defaultdict(int)

    def to22(self, code):
        """Map a 6-digit code of any edition to HS 2022 (training); None = dropped."""
        code = (code or "").strip()[:6]
        if len(code) != 6 or not code.isdigit():
            self.stats["bad_code"] += 1
            return None
        if code in self.index:
            return code
        if code in self.map_best:
            self.stats["mapped_2017"] += 1
            return self.map_best[code]
        self.stats["dropped_not_hs2022"] += 1
        return None

    def gold22(self, code):
        """Eval gold: all HS 2022 codes a (possibly older) code may correspond to."""
        code = code.strip()[:6]
        if code in self.index:
            return [code]
        return self.map_all.get(code, [])

    def context(self, hs6):
        """Parent heading + chapter text for a HS 2022 subheading."""
        d = self.t22.desc
        return d.get(hs6[:4], "") + " ; " + d.get(hs6[:2], "")


# --------------------------------------------------------------------------- eval sets
def load_atlas(data_dir, labels):
    rows = _csv(os.path.join(data_dir, "atlas-cross-rulings", "validation.csv"))
    out = []
    for r in rows:
        gold = []
        for c in r["hs6_all"].split(";"):
            gold += labels.gold22(c)
        out.append({"text": r["description"], "gold": sorted(set(gold)), "raw": r["hs6_all"]})
    return out


def load_uk_refs(data_dir):
    d = os.path.join(data_dir, "uk-tariff-search-references")
    out = []
    for r in _csv(os.path.join(d, "search_references.csv")):
        out.append((r["description"], r["hs6"], "uk_search_refs"))
    for r in _csv(os.path.join(d, "extra_references.csv")):
        out.append((r["description"], r["hs6"], "uk_extra_refs"))
    return out


def load_uk_eval(data_dir, labels):
    out = []
    for text, hs6, src in load_uk_refs(data_dir):
        if not is_uk_holdout(text) or len(hs6) != 6:
            continue
        out.append({"text": text, "gold": labels.gold22(hs6), "raw": hs6, "src": src})
    return out


class EvalOverlap:
    """Leakage guard: a training text must not (nearly) equal an evaluation text.

    check() gives "exact_eval_text" (normalised text equals an ATLAS or UK hold-out text), "atlas_near_dup"
    (ruling-like text: word-set Jaccard >= 0.5 with an ATLAS text, or >= 80 % of an ATLAS text's words (>= 5 words)
    contained) or None."""

    def __init__(self, data_dir, labels):
        atlas = load_atlas(data_dir, labels)
        uk_eval = load_uk_eval(data_dir, labels)
        self.eval_keys = {normkey(e["text"]) for e in atlas} | {normkey(e["text"]) for e in uk_eval}
        self.atlas_sets = [set(normkey(e["text"]).split()) for e in atlas]
        self.inv = defaultdict(list)
        for i, s in enumerate(self.atlas_sets):
            for w in s:
                self.inv[w].append(i)

    def check(self, text, ruling_like=True):
        k = normkey(text)
        if k in self.eval_keys:
            return "exact_eval_text"
        if ruling_like:
            s = set(k.split())
            cnt = defaultdict(int)
            for w in s:
                for i in self.inv.get(w, ()):
                    cnt[i] += 1
            for i, n in cnt.items():
                a = self.atlas_sets[i]
                if n / max(1, len(a | s)) >= 0.5 or (len(a) >= 5 and n / max(1, len(a)) >= 0.8):
                    return "atlas_near_dup"
        return None


# --------------------------------------------------------------------------- training data
# sources whose texts are ruling- / shipment-like: also checked for near duplicates of ATLAS texts
RULING_SRC = {"cbp_rulings", "routelock", "uk_atar", "declarations", "uk_extra_refs", "uk_parcels_fpo500", "extra"}

GENERIC = {"other", "others", "other:", "parts", "parts:", "other, nes", "nes"}

SOURCE_WEIGHTS = {
    "hs2022": 1.0, "hs2022_ctx": 1.0, "eu_cn": 0.5, "usitc2025": 0.7, "us_hts_old": 0.4, "ukgt2021": 0.4,
    "uk_search_refs": 1.5, "uk_extra_refs": 1.5, "uk_parcels_fpo500": 0.5, "declarations": 1.5,
    "declarations_tariffline": 0.3, "cbp_rulings": 3.0, "routelock": 3.0, "uk_atar": 3.0,
    "green_pages_hs6": 0.7, "green_pages_hs4": 0.7, "pharma": 0.2, "extra": 2.0,
}


def _is_generic(desc):
    k = normkey(desc)
    return k in ("other", "others", "parts", "nes", "other nes", "") or len(k) < 3


def _chain_rows(rows):
    """rows: (code, level, desc) in file order -> (code, desc_with_parents) using code-prefix parents."""
    last = {}
    out = []
    for code, level, desc in rows:
        last[(code, level)] = desc
        parents = []
        for plen in (8, 6, 4):
            if plen >= len(code):
                continue
            p = code[:plen]
            for lv in (plen,):
                pd = last.get((p.ljust(len(code), "0") if False else p, lv))
                if pd:
                    parents.append(pd)
        out.append((code, desc, parents))
    return out


def build_training(data_dir, labels, extra_files=(), log=print):
    """Return (train, calib) lists of dicts {text, y6 (idx or -1), y4 (idx or -1), src, w}."""
    L = labels
    ex = []

    def add(text, code6=None, src="", hs4=None, calib_ok=False):
        text = (text or "").strip()
        if not text:
            return
        y6 = -1
        y4 = -1
        if code6 is not None:
            c = L.to22(code6)
            if c is None:
                return
            y6 = L.index[c]
            y4 = L.h4_index[c[:4]]
        elif hs4 is not None:
            if hs4 not in L.h4_index:
                L.stats["dropped_hs4_not_2022"] += 1
                return
            y4 = L.h4_index[hs4]
        ex.append({"text": text, "y6": y6, "y4": y4, "src": src, "w": SOURCE_WEIGHTS[src], "calib_ok": calib_ok})

    t22 = L.t22
    # HS 2022 nomenclature (label texts with parent context)
    for c in t22.hs6:
        add(t22.desc[c], c, "hs2022")
        add(t22.desc[c] + " ; " + L.context(c), c, "hs2022_ctx")
    # EU CN (HS 2022-based): each line at level >= 6, with parent lines as context
    rows = _csv(os.path.join(data_dir, "eu-cn-nomenclature-en", "nomenclature-en.csv"))
    cur = {}  # hier_pos -> list of descs for the current code prefix
    head = {}
    for r in rows:
        code, pos, desc = r["goods_code"], int(r["hier_pos"]), r["description"].replace("|", " ")
        if pos == 4:
            head[code[:4]] = desc
            continue
        if pos < 6:
            continue
        key6 = code[:6]
        if pos == 6:
            cur = {k: v for k, v in cur.items() if k[0] == key6 and k[1] == 6} if cur.get("_k") == key6 else {}
            cur["_k"] = key6
            cur.setdefault((key6, 6), []).append(desc)
        ctx = " ; ".join(cur.get((key6, 6), [])[-2:])
        if pos == 6:
            ctx = " ; ".join(cur[(key6, 6)][:-1][-1:])
        if not _is_generic(desc):
            add(desc, key6, "eu_cn")
        add(desc + " ; " + ctx + " ; " + head.get(code[:4], ""), key6, "eu_cn")
    # USITC 2025 (HTS 8, current)
    for r in _csv(os.path.join(data_dir, "us-usitc-tariff-database-2025", "tariff_database_2025_06062025.csv")):
        c = r["hts8"]
        if c[:2] in ("98", "99"):
            continue
        d = r["brief_description"]
        if not _is_generic(d):
            add(d, c[:6], "usitc2025")
    # US HTS old (10 digit), prefix parents
    rows = _csv(os.path.join(data_dir, "us-hts-10digit-descriptions", "hts_lines.csv"))
    bycode = {}
    for r in rows:
        bycode[r["hts_code"]] = r["description"].rstrip(":")
    for r in rows:
        c = r["hts_code"]
        if len(c) < 8:
            continue
        d = r["description"].rstrip(":")
        par = [bycode[c[:k]] for k in (8, 6) if k < len(c) and c[:k] in bycode]
        if not _is_generic(d) and len(c) == 10:
            add(d + (" ; " + par[0] if par else ""), c[:6], "us_hts_old")
        elif not _is_generic(d):
            add(d, c[:6], "us_hts_old")
    # UK Global Tariff 2021 (HS 2017 edition)
    for r in _csv(os.path.join(data_dir, "uk-global-tariff-2021", "global-uk-tariff.csv")):
        add(r["description"], r["commodity"][:6], "ukgt2021")
    # UK search refs (train part only)
    for text, hs6, src in load_uk_refs(data_dir):
        if is_uk_holdout(text) or len(hs6) != 6:
            continue
        add(text, hs6, src, calib_ok=True)
    # UK parcels (machine labels; only high-confidence)
    for r in _csv(os.path.join(data_dir, "uk-parcel-descriptions-fpo-labelled", "parcel_descriptions.csv")):
        try:
            s = float(r["fpo_score"])
        except ValueError:
            continue
        if s >= 500:
            add(r["description"], r["hs6"], "uk_parcels_fpo500", calib_ok=True)
    # customs declarations
    seen_tl = set()
    for r in _csv(os.path.join(data_dir, "customs-declarations-en-hs10-sample", "declarations.csv")):
        add(r["description"], r["hs6"], "declarations", calib_ok=True)
        k = (r["tariff_line_text"], r["hs6"])
        if k not in seen_tl:
            seen_tl.add(k)
            add(r["tariff_line_text"], r["hs6"], "declarations_tariffline")
    # CBP rulings pages (summaries)
    for r in _csv(os.path.join(data_dir, "cbp-rulings-pages", "rulings.csv")):
        add(r["subject"], r["hs6"], "cbp_rulings")
        add(r["description"], r["hs6"], "cbp_rulings", calib_ok=True)
        add(r["subject"] + ". " + r["description"], r["hs6"], "cbp_rulings")
    # RouteLock corpus (CROSS + ATaR)
    for r in _csv(os.path.join(data_dir, "cbp-cross-and-uk-atar-rulings-routelock", "rulings.csv")):
        add(r["description"], r["hs6"], "routelock", calib_ok=True)
    # UK ATaR sample
    for r in _csv(os.path.join(data_dir, "uk-atar-rulings-sample", "atar_rulings.csv")):
        add(r["description"], r["hs6"], "uk_atar")
        add(r["keywords"].replace(";", ","), r["hs6"], "uk_atar")
    # Green pages index: HS6 where unambiguous, else heading-level supervision
    for r in _csv(os.path.join(data_dir, "uk-tariff-green-pages-index", "green_pages.csv")):
        if r["hs6"]:
            add(r["description"], r["hs6"], "green_pages_hs6")
        elif r["label_level"] == "heading" and r["hs4"] and r["hs4_in_hs2022"] == "yes":
            add(r["description"], None, "green_pages_hs4", hs4=r["hs4"])
    # Pharmaceutical substances (down-weighted)
    for r in _csv(os.path.join(data_dir, "eu-cn-pharmaceutical-substances", "substances.csv")):
        add(r["description"], r["hs6"], "pharma")
    # extra corrections
    for path in extra_files:
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line:
                    j = json.loads(line)
                    add(j["text"], str(j["hs6"]), "extra")

    # ---- remove eval overlaps
    overlap = EvalOverlap(data_dir, L)
    kept, dropped = [], defaultdict(int)
    for e in ex:
        why = overlap.check(e["text"], ruling_like=e["src"] in RULING_SRC)
        if why:
            dropped[why + ":" + e["src"]] += 1
            continue
        kept.append(e)
    # dedupe identical (text, label) pairs within the same source
    seen = set()
    uniq = []
    for e in kept:
        k = (normkey(e["text"]), e["y6"], e["y4"], e["src"])
        if k in seen:
            continue
        seen.add(k)
        uniq.append(e)
    train = [e for e in uniq if not (e["calib_ok"] and is_calibration(e["text"]))]
    calib = [e for e in uniq if e["calib_ok"] and is_calibration(e["text"]) and e["y6"] >= 0]
    info = {"dropped": dict(dropped), "label_stats": dict(L.stats), "n_train": len(train), "n_calib": len(calib),
            "by_source": {}}
    for e in train:
        info["by_source"][e["src"]] = info["by_source"].get(e["src"], 0) + 1
    log(json.dumps(info, indent=1))
    return train, calib, info
