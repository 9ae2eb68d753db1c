//! The one way in to the engine: a [`Quoter`] holds the pack and, where the caller has them, the
//! platform's catalogue and a source of HS classifications; `quote` and `figures` price a basket.
//! The CLI, the WASM binding and the server are each a few lines over it.

use crate::basket::Basket;
use crate::catalogue::Catalogue;
use crate::classify::Classify;
use crate::date::Date;
use crate::engine::{classified, Detail};
use crate::error::Result;
use crate::pack::format::Pack;
use crate::quote::Quote;

/// Where a quote gets its classifier, asked only when some item has neither an HS code nor a
/// catalogue entry (the model weighs megabytes: a caller loads it on first use, or hands over
/// rankings it already has). Every [`Classify`] is one.
pub trait ClassifierSource {
    /// The classifier, loading it if need be.
    fn classifier(&self) -> Result<&dyn Classify>;
}

impl<T: Classify> ClassifierSource for T {
    fn classifier(&self) -> Result<&dyn Classify> {
        Ok(self)
    }
}

/// Prices baskets against a pack. Without a catalogue, an item is quoted with the code it gives;
/// without a classifier source, an item with no code is quoted without one (its duty unknown).
///
/// ```
/// # let pack = landed::default_pack().unwrap();
/// let basket = landed::Basket::from_json(r#"{"destination": "DE", "currency": "EUR",
///     "channel": "post", "seller": {"registrations": ["EU_IOSS"]},
///     "items": [{"id": "a", "description": "Cotton T-shirt", "hs_code": "610910",
///                "origin": "CN", "quantity": 1, "unit_price": "20.00"}]}"#).unwrap();
/// let today = landed::Date::new(2026, 12, 1).unwrap();
/// let quoter = landed::Quoter::new(&pack);
/// let q = quoter.quote(&basket, today).unwrap();
/// // EUR 3 flat duty per tariff line, VAT 19 % on the goods at the point of sale (IOSS).
/// assert_eq!(q.totals.landed_cost.to_string(), "26.80");
/// // The figures alone are the same, without their trail.
/// let f = quoter.figures(&basket, today).unwrap();
/// assert_eq!((f.totals, f.explain.len()), (q.totals, 0));
/// ```
#[derive(Clone, Copy)]
pub struct Quoter<'a> {
    pack: &'a Pack,
    catalogue: Option<&'a Catalogue>,
    classifier: Option<&'a dyn ClassifierSource>,
}

impl<'a> Quoter<'a> {
    /// A quoter over `pack`, with neither catalogue nor classifier.
    pub fn new(pack: &'a Pack) -> Self {
        Quoter {
            pack,
            catalogue: None,
            classifier: None,
        }
    }

    /// Codes confirmed for the platform's SKUs, used before any classifier (`None`: none).
    pub fn catalogue(mut self, catalogue: Option<&'a Catalogue>) -> Self {
        self.catalogue = catalogue;
        self
    }

    /// Where to get a classifier for items left without a code (`None`: none).
    pub fn classifier(mut self, source: Option<&'a dyn ClassifierSource>) -> Self {
        self.classifier = source;
        self
    }

    /// Quotes `basket` with the explain trail of every figure. `today` is the import date of a
    /// basket that gives none.
    pub fn quote(&self, basket: &Basket, today: Date) -> Result<Quote> {
        self.run(basket, today, Detail::Full)
    }

    /// Quotes `basket` with the figures only (`explain` empty): the same figures as [`Self::quote`].
    pub fn figures(&self, basket: &Basket, today: Date) -> Result<Quote> {
        self.run(basket, today, Detail::Figures)
    }

    /// Parses a JSON basket (the public contract) and quotes it with [`Self::quote`].
    pub fn quote_json(&self, basket_json: &str, today: Date) -> Result<Quote> {
        self.quote(&Basket::from_json(basket_json)?, today)
    }

    /// The items a classifier would be asked about: no `hs_code` and no catalogue entry.
    pub fn unresolved<'b>(
        &self,
        basket: &'b Basket,
    ) -> impl Iterator<Item = &'b crate::basket::Item> + 'b
    where
        'a: 'b,
    {
        classified::unresolved(basket, self.catalogue)
    }

    fn run(&self, basket: &Basket, today: Date, detail: Detail) -> Result<Quote> {
        let classifier = match self.classifier {
            Some(source) if self.unresolved(basket).next().is_some() => Some(source.classifier()?),
            _ => None,
        };
        classified::quote_resolved_detailed(
            self.pack,
            basket,
            today,
            self.catalogue,
            classifier,
            detail,
        )
    }
}

/// How many ranked codes an item without an HS code weighs: a caller that classifies ahead (the
/// browser) asks its classifier for this many.
pub const CONSIDERED: usize = classified::CONSIDERED;
