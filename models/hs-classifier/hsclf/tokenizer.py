"""Reference tokenizer. The Rust runtime must reproduce this exactly (see dist/README-runtime.md).

Algorithm:
  1. text = text[:max_chars]            (Unicode code points)
  2. text = text.lower()                (Unicode default lowercase, like Rust str::to_lowercase)
  3. words = maximal runs of ASCII [a-z0-9]; every other char (incl. non-ASCII letters) separates
  4. words = words[:max_words]
  5. ids = [0]; for each word w:
        if w in word_vocab: ids.append(word_vocab[w])          (ids 1..V)
        g = b"<" + w + b">"
        for n in min..max: for i in 0..len(g)-n: ids.append(offset + fnv1a32(g[i:i+n]) % buckets)
"""
import json
import re

_WORD_RE = re.compile(r"[a-z0-9]+")

FNV_OFFSET = 2166136261
FNV_PRIME = 16777619


def fnv1a32(data: bytes) -> int:
    h = FNV_OFFSET
    for b in data:
        h ^= b
        h = (h * FNV_PRIME) & 0xFFFFFFFF
    return h


def words_of(text: str, max_chars: int, max_words: int):
    return _WORD_RE.findall(text[:max_chars].lower())[:max_words]


class Tokenizer:
    def __init__(self, word_vocab, max_chars=1000, max_words=128, ngram_min=3, ngram_max=5, buckets=30000):
        # word_vocab: list of words; word i gets id i+1
        self.words = list(word_vocab)
        self.vocab = {w: i + 1 for i, w in enumerate(self.words)}
        self.max_chars = max_chars
        self.max_words = max_words
        self.nmin = ngram_min
        self.nmax = ngram_max
        self.buckets = buckets
        self.offset = len(self.words) + 1
        self._cache = {}

    @property
    def n_rows(self):
        return self.offset + self.buckets

    def word_ids(self, w: str):
        ids = self._cache.get(w)
        if ids is None:
            ids = []
            v = self.vocab.get(w)
            if v is not None:
                ids.append(v)
            g = ("<" + w + ">").encode("ascii")
            for n in range(self.nmin, self.nmax + 1):
                for i in range(0, len(g) - n + 1):
                    ids.append(self.offset + fnv1a32(g[i:i + n]) % self.buckets)
            if len(self._cache) < 2_000_000:
                self._cache[w] = ids
        return ids

    def tokenize_words(self, words):
        out = [0]
        for w in words:
            out.extend(self.word_ids(w))
        return out

    def tokenize(self, text: str):
        return self.tokenize_words(words_of(text, self.max_chars, self.max_words))

    def to_json(self):
        return {
            "version": 1,
            "lowercase": True,
            "max_chars": self.max_chars,
            "max_words": self.max_words,
            "word_pattern": "[a-z0-9]+ (ASCII only, applied after lowercasing)",
            "bias_id": 0,
            "word_vocab": self.words,
            "word_vocab_note": "list; word at index i has id i+1",
            "ngram": {"min": self.nmin, "max": self.nmax, "buckets": self.buckets,
                      "offset": self.offset, "hash": "fnv1a32", "boundary": ["<", ">"]},
            "n_rows": self.n_rows,
        }

    def save(self, path):
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.to_json(), f, ensure_ascii=True, separators=(",", ":"))

    @classmethod
    def load(cls, path):
        with open(path, encoding="utf-8") as f:
            j = json.load(f)
        ng = j["ngram"]
        t = cls(j["word_vocab"], j["max_chars"], j["max_words"], ng["min"], ng["max"], ng["buckets"])
        assert t.offset == ng["offset"]
        return t
