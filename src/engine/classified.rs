//! Quotes for items whose code is not simply given. First the platform's catalogue memory: a SKU
//! with a confirmed code is quoted with it (and a merchant code that customs or a broker has since
//! corrected is replaced, with a warning). Then the classifier, for items still without a code: it
//! ranks subheadings for the item's description; a confident top code is used as given, and an
//! unsure one is settled in the shopper's favour of certainty: every candidate is quoted and the one
//! with the highest landed cost is collected, with the duty range reported.

use super::{quote_detailed, Detail};
use crate::basket::Basket;
use crate::catalogue::{Catalogue, Confirmation, Known};
use crate::classify::{Candidate, Classify};
use crate::date::Date;
use crate::error::Result;
use crate::pack::format::Pack;
use crate::quote::{HsCandidate, HsConfirmed, HsSource, Quote, Warning};
use rust_decimal::Decimal;

/// A top code at or above this calibrated probability is used alone. The model's calibration
/// (its card reports reliability) makes this the share of such predictions expected correct.
pub const CONFIDENT: f32 = 0.8;
/// How many ranked codes an unsure item weighs.
pub(crate) const CONSIDERED: usize = 3;

/// The items a classifier would be asked about: no `hs_code` and no catalogue entry.
pub(crate) fn unresolved<'a>(
    basket: &'a Basket,
    catalogue: Option<&'a Catalogue>,
) -> impl Iterator<Item = &'a crate::basket::Item> + 'a {
    basket.items.iter().filter(move |it| {
        it.hs_code.is_none()
            && catalogue.is_none_or(|c| c.lookup(&it.id, &basket.destination).is_none())
    })
}

/// Quotes `basket` with codes from the catalogue (by item id = SKU) and, for items still without
/// one, from the classifier, with the explain trail `detail` asks for (see [`crate::Quoter`]).
pub(crate) fn quote_resolved_detailed(
    pack: &Pack,
    basket: &Basket,
    today: Date,
    catalogue: Option<&Catalogue>,
    classifier: Option<&dyn Classify>,
    detail: Detail,
) -> Result<Quote> {
    // Copied only when a code is put in (a checkout basket whose items all have codes is not).
    let mut b = std::borrow::Cow::Borrowed(basket);
    // (item, catalogue answer, the merchant's code it replaced)
    let mut known: Vec<(usize, Known<'_>, Option<String>)> = Vec::new();
    for (i, it) in basket.items.iter().enumerate() {
        let Some(k) = catalogue.and_then(|c| c.lookup(&it.id, &basket.destination)) else {
            continue;
        };
        match &it.hs_code {
            // The merchant's own earlier word gives way to what the basket says now.
            Some(_) if k.entry.source == Confirmation::MerchantEntered => continue,
            // The same goods, and the basket's code is at least as precise.
            Some(given) if agrees(given, k.hs_code) && given.len() >= k.hs_code.len() => continue,
            given => {
                b.to_mut().items[i].hs_code = Some(k.hs_code.to_string());
                let replaced = given.clone().filter(|g| !agrees(g, k.hs_code));
                known.push((i, k, replaced));
            }
        }
    }
    // (item, ranked codes, index of the code used): the top one unless weighing picks another.
    let mut ranked: Vec<(usize, Vec<Candidate>, usize)> = Vec::new();
    if let Some(classifier) = classifier {
        // One batch for the whole basket, each distinct description once: the cost is linear in
        // the items, and a basket of many identical lines asks the model once.
        let mut texts: Vec<(&str, String)> = Vec::new();
        let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        let mut asked: Vec<(usize, usize)> = Vec::new(); // (item, text)
        for (i, it) in b.items.iter().enumerate() {
            if it.hs_code.is_some() {
                continue;
            }
            let t = *index.entry(it.description.as_str()).or_insert_with(|| {
                texts.push((it.description.as_str(), format!("items[{i}].description")));
                texts.len() - 1
            });
            asked.push((i, t));
        }
        let answers = classifier.classify_batch(&texts, CONSIDERED)?;
        for (i, t) in asked {
            let c = answers.get(t).cloned().unwrap_or_default();
            if !c.is_empty() {
                ranked.push((i, c, 0));
            }
        }
        for (i, c, _) in &ranked {
            b.to_mut().items[*i].hs_code = Some(c[0].hs_code.clone());
        }
    }
    let weighed = weigh(pack, &mut b, today, &mut ranked)?;
    let mut q = quote_detailed(pack, &b, today, detail)?;
    for (i, k, replaced) in &known {
        let line = &mut q.lines[*i];
        line.hs_source = HsSource::Catalogue;
        line.hs_confirmed = Some(HsConfirmed {
            source: k.entry.source,
            confirmed_on: k.entry.confirmed_on,
            destination: k.entry.destination.clone(),
        });
        if let Some(given) = replaced {
            q.warnings.push(Warning {
                code: "hs_code_corrected".into(),
                message: format!(
                    "the basket gives HS {given}, but {} confirmed {} for this SKU on {}{}: the quote uses {}",
                    match k.entry.source {
                        Confirmation::CustomsAssessed => "customs",
                        Confirmation::BrokerCorrected => "a broker",
                        Confirmation::MerchantEntered => "the merchant",
                    },
                    k.entry.hs_code,
                    k.entry.confirmed_on,
                    k.entry
                        .destination
                        .as_deref()
                        .map(|d| format!(" ({d})"))
                        .unwrap_or_default(),
                    k.hs_code
                ),
                item: Some(line.id.clone()),
            });
        }
    }
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

/// Most basket lines [`weigh`] may quote one by one (unsure items × candidates × lines) before it
/// weighs by rank instead: a checkout basket (tens of lines) is always weighed item by item, and
/// the cost of a long one stays linear in its lines.
pub const WEIGH_EACH_MAX_LINES: usize = 50_000;

/// Per unsure item: its index in `ranked`, the candidates with the duty each gave, and the best
/// (candidate index, cost) so far.
type Weighing = (usize, Vec<HsCandidate>, Option<(usize, Decimal)>);

/// Settles the unsure items (top score below [`CONFIDENT`], more than one candidate) in favour of
/// the dearest, so the prepaid total does not fall short. Item by item where the basket is small
/// enough ([`WEIGH_EACH_MAX_LINES`]): each candidate quoted with the whole basket as it stands and
/// the highest landed cost kept, which sees effects across lines (a flat duty per distinct tariff
/// line). Otherwise by rank: one whole-basket quote per candidate rank, every unsure item at its
/// candidate of that rank, each item keeping the candidate whose own line costs most (duty plus
/// tax), so a long basket costs a few quotes, not one per item and candidate. A tie keeps the
/// likelier code. Returns, per unsure item, the index chosen and the candidates with their duties.
fn weigh(
    pack: &Pack,
    b: &mut std::borrow::Cow<'_, Basket>,
    today: Date,
    ranked: &mut [(usize, Vec<Candidate>, usize)],
) -> Result<Vec<(usize, usize, Vec<HsCandidate>)>> {
    let mut unsure: Vec<Weighing> = (0..ranked.len())
        .filter(|&u| ranked[u].1[0].score < CONFIDENT && ranked[u].1.len() > 1)
        .map(|u| (u, Vec::new(), None))
        .collect();
    let lines = unsure.len() * CONSIDERED * b.items.len();
    if lines <= WEIGH_EACH_MAX_LINES {
        weigh_each(pack, b, today, ranked, &mut unsure)?;
    } else {
        weigh_by_rank(pack, b, today, ranked, &mut unsure)?;
    }
    let mut weighed = Vec::with_capacity(unsure.len());
    for (u, considered, best) in unsure {
        let (i, c, used) = &mut ranked[u];
        let chosen = best.map_or(0, |(k, _)| k);
        b.to_mut().items[*i].hs_code = Some(c[chosen].hs_code.clone());
        *used = chosen;
        weighed.push((*i, chosen, considered));
    }
    Ok(weighed)
}

/// Records candidate `k` of an unsure item at `cost`, keeping the dearest (the first on a tie).
fn consider(w: &mut Weighing, k: usize, cand: &Candidate, duty: Decimal, cost: Decimal) {
    w.1.push(HsCandidate {
        hs_code: cand.hs_code.clone(),
        score: cand.score,
        duty,
    });
    if w.2.is_none_or(|(_, most)| cost > most) {
        w.2 = Some((k, cost));
    }
}

/// Item by item: each candidate in the whole basket as it stands (earlier items already settled),
/// scored by the quote's landed cost.
fn weigh_each(
    pack: &Pack,
    b: &mut std::borrow::Cow<'_, Basket>,
    today: Date,
    ranked: &[(usize, Vec<Candidate>, usize)],
    unsure: &mut [Weighing],
) -> Result<()> {
    for w in unsure.iter_mut() {
        let (i, c, _) = &ranked[w.0];
        for (k, cand) in c.iter().enumerate() {
            let mut t = Basket::clone(b);
            t.items[*i].hs_code = Some(cand.hs_code.clone());
            let q = quote_detailed(pack, &t, today, Detail::Figures)?;
            consider(w, k, cand, q.lines[*i].duty.amount, q.totals.landed_cost);
        }
        let chosen = w.2.map_or(0, |(k, _)| k);
        b.to_mut().items[*i].hs_code = Some(c[chosen].hs_code.clone());
    }
    Ok(())
}

/// By rank: one whole-basket quote per candidate rank, scored by each item's own line.
fn weigh_by_rank(
    pack: &Pack,
    b: &Basket,
    today: Date,
    ranked: &[(usize, Vec<Candidate>, usize)],
    unsure: &mut [Weighing],
) -> Result<()> {
    let ranks = unsure
        .iter()
        .map(|w| ranked[w.0].1.len())
        .max()
        .unwrap_or(0);
    for r in 0..ranks {
        let mut t = b.clone();
        for w in unsure.iter() {
            let (i, c, _) = &ranked[w.0];
            if let Some(cand) = c.get(r) {
                t.items[*i].hs_code = Some(cand.hs_code.clone());
            }
        }
        let q = quote_detailed(pack, &t, today, Detail::Figures)?;
        for w in unsure.iter_mut() {
            let (i, c, _) = &ranked[w.0];
            let Some(cand) = c.get(r) else { continue };
            let line = &q.lines[*i];
            let cost = crate::money::add(line.duty.amount, line.tax.amount, "weighing")?;
            consider(w, r, cand, line.duty.amount, cost);
        }
    }
    Ok(())
}

/// Whether a basket code and a confirmed one name the same goods: one is a prefix of the other
/// (an HS 6 code and the national line beneath it).
fn agrees(given: &str, confirmed: &str) -> bool {
    given.starts_with(confirmed) || confirmed.starts_with(given)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::check_text;
    use crate::error::Error;
    use crate::Quoter;
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
        let q = Quoter::new(&pack())
            .classifier(Some(&clf))
            .quote(&b, today())
            .unwrap();
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
        assert_eq!(
            Quoter::new(&pack()).quote(&given, today()).unwrap().totals,
            q.totals
        );
    }

    #[test]
    fn a_long_basket_is_weighed_by_rank_with_the_same_choice_per_line() {
        // Enough unsure lines that weighing them one by one would pass WEIGH_EACH_MAX_LINES: each
        // line still collects its dearest candidate (the T-shirt, not the duty-free book).
        let n = 140;
        assert!(n * CONSIDERED * n > WEIGH_EACH_MAX_LINES);
        let clf = Fixed(HashMap::from([(
            "Printed thing",
            vec![("490199", 0.45), ("610910", 0.35), ("491199", 0.10)],
        )]));
        let items: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    r#"{{"id":"x{i}","description":"Printed thing","origin":"CN","quantity":1,"unit_price":"20.00"}}"#
                )
            })
            .collect();
        let b = basket(&format!("[{}]", items.join(",")));
        let q = Quoter::new(&pack())
            .classifier(Some(&clf))
            .quote(&b, today())
            .unwrap();
        for l in &q.lines {
            assert_eq!(l.hs_code.as_deref(), Some("610910"), "{}", l.id);
            assert_eq!(l.hs_candidates.len(), 3);
            let duties: Vec<_> = l.hs_candidates.iter().map(|c| c.duty).collect();
            assert_eq!(l.duty.amount, *duties.iter().max().unwrap());
        }
        let uncertain = q.warnings.iter().filter(|w| w.code == "hs_code_uncertain");
        assert_eq!(uncertain.count(), n);
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
        let q = Quoter::new(&pack())
            .classifier(Some(&clf))
            .quote(&b, today())
            .unwrap();
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
        let e = Quoter::new(&pack())
            .classifier(Some(&clf))
            .quote(&b, today())
            .unwrap_err();
        assert_eq!(
            e,
            Error::EmptyText {
                path: "items[1].description".into()
            }
        );
    }

    fn catalogue(entries: &str) -> Catalogue {
        Catalogue::from_json(
            &format!(r#"{{"format":"landed-catalogue","version":1,"platform":"p","exported_on":"2026-11-25","hs_edition":2022,"entries":{entries}}}"#),
            &pack(),
        )
        .unwrap()
    }

    #[test]
    fn a_known_sku_is_quoted_with_its_confirmed_code_before_the_classifier() {
        // The classifier would call it a book; customs assessed a T-shirt.
        let clf = Fixed(HashMap::from([("Printed tee", vec![("490199", 0.99)])]));
        let cat = catalogue(
            r#"[{"sku":"t","hs_code":"6109100010","source":"customs_assessed","confirmed_on":"2026-10-02","destination":"GB"}]"#,
        );
        let b = basket(
            r#"[{"id":"t","description":"Printed tee","origin":"CN","quantity":1,"unit_price":"200.00"},
                {"id":"u","description":"Printed tee","origin":"CN","quantity":1,"unit_price":"200.00"}]"#,
        );
        assert!(unresolved(&b, Some(&cat)).next().is_some());
        let q = Quoter::new(&pack())
            .catalogue(Some(&cat))
            .classifier(Some(&clf))
            .quote(&b, today())
            .unwrap();
        let (t, u) = (&q.lines[0], &q.lines[1]);
        assert_eq!(
            (t.hs_code.as_deref(), t.hs_source),
            (Some("6109100010"), HsSource::Catalogue)
        );
        let c = t.hs_confirmed.as_ref().unwrap();
        assert_eq!(
            (c.source, c.confirmed_on, c.destination.as_deref()),
            (
                Confirmation::CustomsAssessed,
                Date::new(2026, 10, 2).unwrap(),
                Some("GB")
            )
        );
        assert_eq!(t.hs_confidence, None);
        assert_eq!(
            (u.hs_code.as_deref(), u.hs_source),
            (Some("490199"), HsSource::Classifier)
        );
        assert!(
            t.duty.amount > u.duty.amount,
            "T-shirts carry duty, books none"
        );
        // Every item known: no classifier needed, and none given works too.
        let only_t = basket(
            r#"[{"id":"t","description":"Printed tee","origin":"CN","quantity":1,"unit_price":"200.00"}]"#,
        );
        assert!(unresolved(&only_t, Some(&cat)).next().is_none());
        let q2 = Quoter::new(&pack())
            .catalogue(Some(&cat))
            .quote(&only_t, today())
            .unwrap();
        assert_eq!(q2.lines[0].duty, t.duty);
    }

    #[test]
    fn a_corrected_merchant_code_gives_way_with_a_warning() {
        let cat = catalogue(
            r#"[{"sku":"t","hs_code":"610910","source":"broker_corrected","confirmed_on":"2026-10-02"},
                {"sku":"m","hs_code":"691200","source":"merchant_entered","confirmed_on":"2026-10-02"},
                {"sku":"n","hs_code":"6109100010","source":"customs_assessed","confirmed_on":"2026-10-02","destination":"GB"}]"#,
        );
        let b = basket(
            r#"[{"id":"t","description":"Tee","hs_code":"490199","origin":"CN","quantity":1,"unit_price":"200.00"},
                {"id":"m","description":"Mug","hs_code":"691110","origin":"CN","quantity":1,"unit_price":"20.00"},
                {"id":"n","description":"Tee","hs_code":"610910","origin":"CN","quantity":1,"unit_price":"20.00"}]"#,
        );
        let q = Quoter::new(&pack())
            .catalogue(Some(&cat))
            .quote(&b, today())
            .unwrap();
        assert_eq!(
            (q.lines[0].hs_code.as_deref(), q.lines[0].hs_source),
            (Some("610910"), HsSource::Catalogue)
        );
        let w: Vec<_> = q
            .warnings
            .iter()
            .filter(|w| w.code == "hs_code_corrected")
            .collect();
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].item.as_deref(), Some("t"));
        assert!(
            w[0].message.contains("490199") && w[0].message.contains("broker"),
            "{}",
            w[0].message
        );
        // The merchant's own older entry does not override the basket.
        assert_eq!(
            (q.lines[1].hs_code.as_deref(), q.lines[1].hs_source),
            (Some("691110"), HsSource::Merchant)
        );
        // A more precise confirmed code of the same goods is used, silently.
        assert_eq!(
            (q.lines[2].hs_code.as_deref(), q.lines[2].hs_source),
            (Some("6109100010"), HsSource::Catalogue)
        );
    }
}
