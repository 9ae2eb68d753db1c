//! Quotes for items without an HS code: the classifier ranks subheadings for the item's
//! description; a confident top code is used as given, and an unsure one is settled in the
//! shopper's favour of certainty: every candidate is quoted and the one with the highest landed
//! cost is collected, with the duty range reported.

use super::quote;
use crate::basket::Basket;
use crate::classify::{Candidate, Classify};
use crate::date::Date;
use crate::error::Result;
use crate::pack::format::Pack;
use crate::quote::{HsCandidate, HsSource, Quote, Warning};

/// A top code at or above this calibrated probability is used alone. The model's calibration
/// (its card reports reliability) makes this the share of such predictions expected correct.
pub const CONFIDENT: f32 = 0.8;
/// How many ranked codes an unsure item weighs.
pub const CONSIDERED: usize = 3;

/// Quotes `basket`, classifying the description of each item that has no `hs_code`.
pub fn quote_classified(
    pack: &Pack,
    basket: &Basket,
    today: Date,
    classifier: &dyn Classify,
) -> Result<Quote> {
    let mut b = basket.clone();
    // (item, ranked codes, index of the code used): the top one unless weighing picks another.
    let mut ranked: Vec<(usize, Vec<Candidate>, usize)> = Vec::new();
    for (i, it) in basket.items.iter().enumerate() {
        if it.hs_code.is_some() {
            continue;
        }
        let c = classifier.classify(
            &it.description,
            CONSIDERED,
            &format!("items[{i}].description"),
        )?;
        if let Some(top) = c.first() {
            b.items[i].hs_code = Some(top.hs_code.clone());
            ranked.push((i, c, 0));
        }
    }
    // Unsure items: quote each candidate (the other items as they stand) and keep the dearest.
    let mut weighed: Vec<(usize, usize, Vec<HsCandidate>)> = Vec::new();
    for (i, c, used) in &mut ranked {
        if c[0].score >= CONFIDENT || c.len() == 1 {
            continue;
        }
        let mut best: Option<(usize, rust_decimal::Decimal)> = None;
        let mut considered = Vec::with_capacity(c.len());
        for (k, cand) in c.iter().enumerate() {
            let mut t = b.clone();
            t.items[*i].hs_code = Some(cand.hs_code.clone());
            let q = quote(pack, &t, today)?;
            considered.push(HsCandidate {
                hs_code: cand.hs_code.clone(),
                score: cand.score,
                duty: q.lines[*i].duty.amount,
            });
            if best.is_none_or(|(_, cost)| q.totals.landed_cost > cost) {
                best = Some((k, q.totals.landed_cost));
            }
        }
        let chosen = best.map_or(0, |(k, _)| k);
        b.items[*i].hs_code = Some(c[chosen].hs_code.clone());
        *used = chosen;
        weighed.push((*i, chosen, considered));
    }
    let mut q = quote(pack, &b, today)?;
    for (i, c, used) in &ranked {
        let line = &mut q.lines[*i];
        line.hs_source = HsSource::Classifier;
        line.hs_confidence = Some(c[*used].score);
    }
    for (i, chosen, considered) in weighed {
        let line = &mut q.lines[i];
        let lo = considered.iter().map(|c| c.duty).min().unwrap_or_default();
        let hi = considered.iter().map(|c| c.duty).max().unwrap_or_default();
        let list: Vec<String> = considered
            .iter()
            .map(|c| format!("{} (p={:.2}, duty {})", c.hs_code, c.score, c.duty))
            .collect();
        q.warnings.push(Warning {
            code: "hs_code_uncertain".into(),
            message: format!(
                "no HS code given and the classifier is unsure (top p={:.2} < {CONFIDENT}): duty ranges from {lo} to {hi} {} over {}; the quote uses {}, the highest landed cost, so the prepaid total does not fall short",
                considered[0].score,
                q.currency,
                list.join(", "),
                considered[chosen].hs_code
            ),
            item: Some(line.id.clone()),
        });
        line.hs_candidates = considered;
    }
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::check_text;
    use crate::error::Error;
    use std::collections::HashMap;

    /// A classifier with fixed answers per description.
    struct Fixed(HashMap<&'static str, Vec<(&'static str, f32)>>);

    impl Classify for Fixed {
        fn classify(&self, text: &str, k: usize, path: &str) -> Result<Vec<Candidate>> {
            check_text(text, path)?;
            Ok(self
                .0
                .get(text)
                .into_iter()
                .flatten()
                .take(k)
                .map(|(c, s)| Candidate {
                    hs_code: (*c).into(),
                    score: *s,
                })
                .collect())
        }
    }

    fn basket(items: &str) -> Basket {
        Basket::from_json(&format!(
            r#"{{"destination":"GB","date":"2026-11-25","currency":"GBP","channel":"courier","incoterm":"DDP","items":{items}}}"#
        ))
        .unwrap()
    }

    fn pack() -> Pack {
        crate::default_pack().unwrap()
    }

    fn today() -> Date {
        Date::new(2026, 11, 25).unwrap()
    }

    #[test]
    fn a_confident_code_is_used_and_marked() {
        let clf = Fixed(HashMap::from([(
            "Cotton T-shirt",
            vec![("610910", 0.93), ("610990", 0.04)],
        )]));
        let b = basket(
            r#"[{"id":"t","description":"Cotton T-shirt","origin":"CN","quantity":1,"unit_price":"200.00"}]"#,
        );
        let q = quote_classified(&pack(), &b, today(), &clf).unwrap();
        let l = &q.lines[0];
        assert_eq!(
            (l.hs_code.as_deref(), l.hs_source, l.hs_confidence),
            (Some("610910"), HsSource::Classifier, Some(0.93))
        );
        assert!(l.hs_candidates.is_empty());
        assert!(
            l.duty.amount > rust_decimal::Decimal::ZERO,
            "duty computed from the predicted code"
        );
        assert!(!q
            .warnings
            .iter()
            .any(|w| w.code == "hs_code_missing" || w.code == "hs_code_uncertain"));
        // The same basket with the code given by the merchant gives the same money.
        let given = basket(
            r#"[{"id":"t","description":"Cotton T-shirt","hs_code":"610910","origin":"CN","quantity":1,"unit_price":"200.00"}]"#,
        );
        assert_eq!(quote(&pack(), &given, today()).unwrap().totals, q.totals);
    }

    #[test]
    fn an_unsure_code_collects_the_dearest_candidate_and_reports_the_range() {
        // Books are duty-free in the UK tariff; T-shirts are not: the dearer code must be collected
        // even though it ranks second.
        let clf = Fixed(HashMap::from([(
            "Printed thing",
            vec![("490199", 0.45), ("610910", 0.35), ("491199", 0.10)],
        )]));
        let b = basket(
            r#"[{"id":"x","description":"Printed thing","origin":"CN","quantity":1,"unit_price":"200.00"}]"#,
        );
        let q = quote_classified(&pack(), &b, today(), &clf).unwrap();
        let l = &q.lines[0];
        assert_eq!(l.hs_code.as_deref(), Some("610910"));
        assert_eq!(l.hs_confidence, Some(0.35));
        assert_eq!(l.hs_candidates.len(), 3);
        let duties: Vec<_> = l.hs_candidates.iter().map(|c| c.duty).collect();
        assert_eq!(l.duty.amount, *duties.iter().max().unwrap());
        assert!(duties.iter().any(|d| *d < l.duty.amount), "{duties:?}");
        let w = q
            .warnings
            .iter()
            .find(|w| w.code == "hs_code_uncertain")
            .unwrap();
        assert_eq!(w.item.as_deref(), Some("x"));
        assert!(
            w.message.contains("490199") && w.message.contains("610910"),
            "{}",
            w.message
        );
    }

    #[test]
    fn a_blank_description_without_code_is_a_typed_error() {
        let clf = Fixed(HashMap::new());
        let b = basket(
            r#"[{"id":"a","description":"Cotton T-shirt","hs_code":"610910","origin":"CN","quantity":1,"unit_price":"2.00"},
                           {"id":"b","description":"  ","origin":"CN","quantity":1,"unit_price":"2.00"}]"#,
        );
        let e = quote_classified(&pack(), &b, today(), &clf).unwrap_err();
        assert_eq!(
            e,
            Error::EmptyText {
                path: "items[1].description".into()
            }
        );
    }
}
