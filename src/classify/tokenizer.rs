//! The classifier's tokenizer, reproduced exactly from `models/hs-classifier/hsclf/tokenizer.py`
//! (the training side's reference; `dist/README-runtime.md` states the algorithm):
//!
//! 1. keep the first `max_chars` characters (Unicode scalar values);
//! 2. lowercase them (Unicode default case mapping, as Python's `str.lower`);
//! 3. words are maximal runs of ASCII `[a-z0-9]`; every other character separates;
//! 4. keep the first `max_words` words;
//! 5. ids: `0` (the bias row), then per word its vocabulary id (if any) and, for each `n` in
//!    `min..=max`, each byte n-gram of `<word>` as `offset + fnv1a32(ngram) % buckets`.

use serde::Deserialize;

/// The tokenizer as `dist/tokenizer.json` describes it.
#[derive(Debug, Clone)]
pub struct Tokenizer {
    vocab: std::collections::HashMap<String, i64>,
    max_chars: usize,
    max_words: usize,
    ngram_min: usize,
    ngram_max: usize,
    buckets: u32,
    offset: i64,
    rows: i64,
}

#[derive(Deserialize)]
struct Spec {
    version: u32,
    max_chars: usize,
    max_words: usize,
    bias_id: i64,
    word_vocab: Vec<String>,
    ngram: NgramSpec,
    n_rows: i64,
}

#[derive(Deserialize)]
struct NgramSpec {
    min: usize,
    max: usize,
    buckets: u32,
    offset: i64,
    hash: String,
}

impl Tokenizer {
    /// Reads `tokenizer.json`; a description this runtime cannot reproduce is an error, not a guess.
    pub fn from_json(bytes: &[u8]) -> Result<Tokenizer, String> {
        let s: Spec = serde_json::from_slice(bytes).map_err(|e| format!("tokenizer.json: {e}"))?;
        let vocab_len = i64::try_from(s.word_vocab.len()).map_err(|e| e.to_string())?;
        let checks = [
            (s.version == 1, "version must be 1"),
            (s.bias_id == 0, "bias_id must be 0"),
            (s.ngram.hash == "fnv1a32", "ngram.hash must be fnv1a32"),
            (
                s.ngram.offset == vocab_len + 1,
                "ngram.offset must follow the vocabulary",
            ),
            (s.ngram.buckets > 0, "ngram.buckets must be positive"),
            (
                s.ngram.min >= 1 && s.ngram.min <= s.ngram.max,
                "ngram.min..max must be a non-empty range",
            ),
            (
                s.n_rows == s.ngram.offset + i64::from(s.ngram.buckets),
                "n_rows must be offset + buckets",
            ),
            (
                s.max_chars > 0 && s.max_words > 0,
                "limits must be positive",
            ),
        ];
        if let Some((_, why)) = checks.iter().find(|(ok, _)| !ok) {
            return Err(format!("tokenizer.json: {why}"));
        }
        let vocab = s
            .word_vocab
            .into_iter()
            .zip(1..)
            .collect::<std::collections::HashMap<_, _>>();
        Ok(Tokenizer {
            vocab,
            max_chars: s.max_chars,
            max_words: s.max_words,
            ngram_min: s.ngram.min,
            ngram_max: s.ngram.max,
            buckets: s.ngram.buckets,
            offset: s.ngram.offset,
            rows: s.n_rows,
        })
    }

    /// Rows of the embedding table the ids index.
    pub fn rows(&self) -> i64 {
        self.rows
    }

    /// The words the model sees (steps 1–4).
    pub fn words(&self, text: &str) -> Vec<String> {
        let head: String = text.chars().take(self.max_chars).collect();
        head.to_lowercase()
            .split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit()))
            .filter(|w| !w.is_empty())
            .take(self.max_words)
            .map(str::to_string)
            .collect()
    }

    /// Token ids, starting with the bias id 0.
    pub fn ids(&self, text: &str) -> Vec<i64> {
        let mut ids = vec![0];
        let mut gram = Vec::with_capacity(64);
        for w in self.words(text) {
            if let Some(id) = self.vocab.get(&w) {
                ids.push(*id);
            }
            gram.clear();
            gram.push(b'<');
            gram.extend_from_slice(w.as_bytes());
            gram.push(b'>');
            for n in self.ngram_min..=self.ngram_max {
                for window in gram.windows(n) {
                    ids.push(self.offset + i64::from(fnv1a32(window) % self.buckets));
                }
            }
        }
        ids
    }
}

/// FNV-1a, 32 bits.
pub fn fnv1a32(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Tokenizer {
        Tokenizer::from_json(
            br#"{"version":1,"max_chars":20,"max_words":3,"bias_id":0,"word_vocab":["cotton","shirt"],
                 "ngram":{"min":3,"max":4,"buckets":10,"offset":3,"hash":"fnv1a32"},"n_rows":13}"#,
        )
        .unwrap()
    }

    #[test]
    fn fnv1a32_reference_values() {
        // Published FNV-1a 32-bit test vectors.
        assert_eq!(fnv1a32(b""), 0x811c_9dc5);
        assert_eq!(fnv1a32(b"a"), 0xe40c_292c);
        assert_eq!(fnv1a32(b"foobar"), 0xbf9c_f968);
    }

    #[test]
    fn words_are_ascii_alphanumeric_runs_of_the_lowercased_head() {
        let t = tiny();
        assert_eq!(t.words("Cotton T-Shirt, 100%!"), ["cotton", "t", "shirt"]);
        // Only the first 20 characters count, and then only 3 words.
        assert_eq!(t.words("aa bb cc dd ee ff gg hh"), ["aa", "bb", "cc"]);
        assert_eq!(t.words("x".repeat(30).as_str()), ["x".repeat(20)]);
        // Non-ASCII letters separate; a capital dotted I lowercases to "i" + a combining dot.
        assert_eq!(t.words("Çay İzmir"), ["ay", "i", "zmir"]);
        assert!(t.words("!!! ¿? ——").is_empty());
    }

    #[test]
    fn ids_are_bias_vocab_then_hashed_ngrams() {
        let t = tiny();
        assert_eq!(t.ids(""), [0]);
        let ids = t.ids("cotton");
        assert_eq!(&ids[..2], &[0, 1]);
        // "<cotton>" has 6 trigrams and 5 four-grams.
        assert_eq!(ids.len(), 2 + 6 + 5);
        assert!(ids[2..].iter().all(|i| (3..13).contains(i)));
        assert_eq!(ids[2], 3 + i64::from(fnv1a32(b"<co") % 10));
        // An unknown word has n-grams only.
        assert_eq!(t.ids("ab").len(), 1 + 2 + 1);
    }

    #[test]
    fn inconsistent_descriptions_are_refused() {
        for bad in [
            r#"{"version":2,"max_chars":1,"max_words":1,"bias_id":0,"word_vocab":[],"ngram":{"min":3,"max":4,"buckets":10,"offset":1,"hash":"fnv1a32"},"n_rows":11}"#,
            r#"{"version":1,"max_chars":1,"max_words":1,"bias_id":0,"word_vocab":[],"ngram":{"min":3,"max":4,"buckets":10,"offset":1,"hash":"xxh"},"n_rows":11}"#,
            r#"{"version":1,"max_chars":1,"max_words":1,"bias_id":0,"word_vocab":["a"],"ngram":{"min":3,"max":4,"buckets":10,"offset":1,"hash":"fnv1a32"},"n_rows":11}"#,
            r#"{"version":1,"max_chars":1,"max_words":1,"bias_id":0,"word_vocab":[],"ngram":{"min":5,"max":4,"buckets":10,"offset":1,"hash":"fnv1a32"},"n_rows":11}"#,
            r#"{"version":1}"#,
        ] {
            assert!(Tokenizer::from_json(bad.as_bytes()).is_err(), "{bad}");
        }
    }
}
