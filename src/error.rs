//! The core's one error type. Every variant has a stable `code` and, for input errors, the JSON
//! path of the field at fault, so that the CLI, the WASM binding and the server report it alike.

use crate::date::Date;
use crate::pack::format::PackError;

/// Everything that can go wrong computing a quote.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The input is not JSON (or not valid UTF-8).
    #[error("{path}: invalid JSON: {message}")]
    InvalidJson {
        /// Where the parser stopped.
        path: String,
        /// The parser's message.
        message: String,
    },
    /// A field the contract does not know.
    #[error("{path}: unknown field `{field}`")]
    UnknownField {
        /// Path of the object holding it.
        path: String,
        /// The field's name.
        field: String,
    },
    /// A required field is absent.
    #[error("{path}: missing field `{field}`")]
    MissingField {
        /// Path of the object lacking it.
        path: String,
        /// The field's name.
        field: String,
    },
    /// A field has the wrong JSON type or an unknown enum value.
    #[error("{path}: {message}")]
    InvalidValue {
        /// The field.
        path: String,
        /// What is wrong, with a valid example.
        message: String,
    },
    /// Not an ISO 3166-1 alpha-2 country code.
    #[error("{path}: unknown country `{value}`: expected an ISO 3166-1 alpha-2 code such as DE")]
    UnknownCountry {
        /// The field.
        path: String,
        /// The value given.
        value: String,
    },
    /// A country this pack has no rules for.
    #[error("{path}: destination `{value}` is not in this pack (it covers {covered})")]
    UnsupportedDestination {
        /// The field.
        path: String,
        /// The value given.
        value: String,
        /// The destinations the pack covers, comma-separated.
        covered: String,
    },
    /// Not an ISO 4217 code, or one without a reference rate.
    #[error("{path}: unknown currency `{value}`: expected an ISO 4217 code such as EUR")]
    UnknownCurrency {
        /// The field.
        path: String,
        /// The value given.
        value: String,
    },
    /// Not a decimal string.
    #[error("{path}: `{value}` is not a decimal amount: expected a string such as \"19.99\"")]
    InvalidAmount {
        /// The field.
        path: String,
        /// The value given.
        value: String,
    },
    /// An amount at or above the largest the engine accepts (so every computation stays exact).
    #[error("{path}: amount `{value}` is too large: amounts must be below {max}")]
    AmountTooLarge {
        /// The field.
        path: String,
        /// The value given.
        value: String,
        /// The exclusive upper bound.
        max: String,
    },
    /// An amount below zero.
    #[error("{path}: amount `{value}` is negative")]
    NegativeAmount {
        /// The field.
        path: String,
        /// The value given.
        value: String,
    },
    /// A quantity of zero.
    #[error("{path}: quantity must be a whole number from 1 to 1000000")]
    InvalidQuantity {
        /// The field.
        path: String,
    },
    /// An HS code with letters or the wrong length.
    #[error("{path}: `{value}` is not an HS code: expected 6 to 10 digits (dots allowed), such as 6109.10")]
    InvalidHsCode {
        /// The field.
        path: String,
        /// The value given.
        value: String,
    },
    /// Well-formed digits that are not a subheading of the HS edition named.
    #[error("{path}: `{value}` is not an HS {edition} subheading")]
    HsCodeUnknown {
        /// The field.
        path: String,
        /// The value given.
        value: String,
        /// The edition it was checked against.
        edition: u16,
    },
    /// A code of an older HS edition whose subheading was retired without a single successor.
    #[error("{path}: HS {edition} code `{value}` was retired by HS 2022 and cannot be mapped to one code{}", if successors.is_empty() { String::new() } else { format!(": it became {}", successors.join(" or ")) })]
    HsEditionAmbiguous {
        /// The field.
        path: String,
        /// The value given.
        value: String,
        /// Its edition.
        edition: u16,
        /// The HS 2022 codes it may have become (empty when no curated correlation names one).
        successors: Vec<String>,
    },
    /// Two entries for the same key (a SKU and destination in a catalogue).
    #[error("{path}: duplicate entry `{value}`")]
    DuplicateEntry {
        /// The field.
        path: String,
        /// The key.
        value: String,
    },
    /// Not a `YYYY-MM-DD` date.
    #[error("{path}: `{value}` is not a date: expected YYYY-MM-DD, such as 2026-07-01")]
    InvalidDate {
        /// The field.
        path: String,
        /// The value given.
        value: String,
    },
    /// A date the destination's rules do not cover.
    #[error("{path}: {date} is outside the coverage of the {destination} rules ({from} to the day before {refuse_from})")]
    DateOutOfCoverage {
        /// The field.
        path: String,
        /// The date asked.
        date: Date,
        /// The destination.
        destination: String,
        /// First covered day.
        from: Date,
        /// First refused day.
        refuse_from: Date,
    },
    /// A date inside the destination's coverage whose law the rules do not hold.
    #[error("{path}: {date} falls in {from} to the day before {until}, which the {destination} rules do not cover: {reason} ({reference})",
        from = .window.from, until = .window.until, reason = .window.reason, reference = .window.reference)]
    DateRefused {
        /// The field.
        path: String,
        /// The date asked.
        date: Date,
        /// The destination.
        destination: String,
        /// The refused window: its days, what law it lacks and where that law is published.
        window: Box<crate::vocab::RefusedWindow>,
    },
    /// No items.
    #[error("{path}: the basket has no items")]
    EmptyBasket {
        /// The field.
        path: String,
    },
    /// More lines than a basket may have.
    #[error("{path}: the basket has {count} items; at most {max} are accepted")]
    TooManyItems {
        /// The field.
        path: String,
        /// Lines given.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// The destination has regional rates and no region was given, or an unknown one.
    #[error("{path}: {message}")]
    InvalidRegion {
        /// The field.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// An FX override that is malformed, or a conversion without any rate.
    #[error("{path}: {message}")]
    FxUnavailable {
        /// The field.
        path: String,
        /// What is missing.
        message: String,
    },
    /// Two items share an id.
    #[error("{path}: duplicate item id `{value}`")]
    DuplicateItemId {
        /// The field.
        path: String,
        /// The id.
        value: String,
    },
    /// A carrier id the contract does not know.
    #[error("{path}: unknown carrier `{value}`: expected one of {known}")]
    UnknownCarrier {
        /// The field.
        path: String,
        /// The value given.
        value: String,
        /// The ids the contract knows, comma-separated.
        known: String,
    },
    /// A preference programme the destination does not have.
    #[error("{path}: `{value}` is not a preference programme of {destination} (it has: {known})")]
    PreferenceUnknown {
        /// The field.
        path: String,
        /// The value given.
        value: String,
        /// The destination.
        destination: String,
        /// The programmes it has, comma-separated (`none` when it has none).
        known: String,
    },
    /// A preference claimed for goods of an origin the programme does not cover (or on a date it
    /// is not in force).
    #[error("{path}: programme `{programme}` does not cover goods originating in {origin}{when}")]
    PreferenceOrigin {
        /// The field (the item's origin).
        path: String,
        /// The programme claimed.
        programme: String,
        /// The item's origin.
        origin: String,
        /// Why, when the date is at fault (" on 2019-01-01: in force from 2020-07-01").
        when: String,
    },
    /// An amount too large to compute with exactly.
    #[error("{path}: amount overflows the exact decimal range")]
    Overflow {
        /// The field or figure.
        path: String,
    },
    /// A product text to classify is blank.
    #[error("{path}: the text is empty: give a product title or description")]
    EmptyText {
        /// The field.
        path: String,
    },
    /// The classifier model could not be loaded or run.
    #[error("HS classifier: {message}")]
    Classifier {
        /// What failed.
        message: String,
    },
    /// The tariff pack could not be read.
    #[error("tariff pack: {0}")]
    Pack(#[from] PackError),
}

/// Matches every variant that carries a `path` (one list for `path` and `path_mut`).
macro_rules! with_path {
    ($e:expr, $p:ident => $some:expr, $none:expr) => {
        match $e {
            Error::InvalidJson { $p, .. }
            | Error::UnknownField { $p, .. }
            | Error::MissingField { $p, .. }
            | Error::InvalidValue { $p, .. }
            | Error::UnknownCountry { $p, .. }
            | Error::UnsupportedDestination { $p, .. }
            | Error::UnknownCurrency { $p, .. }
            | Error::InvalidAmount { $p, .. }
            | Error::NegativeAmount { $p, .. }
            | Error::AmountTooLarge { $p, .. }
            | Error::InvalidQuantity { $p }
            | Error::InvalidHsCode { $p, .. }
            | Error::HsCodeUnknown { $p, .. }
            | Error::HsEditionAmbiguous { $p, .. }
            | Error::DuplicateEntry { $p, .. }
            | Error::InvalidDate { $p, .. }
            | Error::DateOutOfCoverage { $p, .. }
            | Error::DateRefused { $p, .. }
            | Error::EmptyBasket { $p }
            | Error::TooManyItems { $p, .. }
            | Error::InvalidRegion { $p, .. }
            | Error::FxUnavailable { $p, .. }
            | Error::DuplicateItemId { $p, .. }
            | Error::Overflow { $p }
            | Error::PreferenceUnknown { $p, .. }
            | Error::UnknownCarrier { $p, .. }
            | Error::PreferenceOrigin { $p, .. }
            | Error::EmptyText { $p } => $some,
            Error::Pack(_) | Error::Classifier { .. } => $none,
        }
    };
}

impl Error {
    /// A stable, machine-readable code (`snake_case`), the same across CLI, WASM and server.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidJson { .. } => "invalid_json",
            Error::UnknownField { .. } => "unknown_field",
            Error::MissingField { .. } => "missing_field",
            Error::InvalidValue { .. } => "invalid_value",
            Error::UnknownCountry { .. } => "unknown_country",
            Error::UnsupportedDestination { .. } => "unsupported_destination",
            Error::UnknownCurrency { .. } => "unknown_currency",
            Error::InvalidAmount { .. } => "invalid_amount",
            Error::NegativeAmount { .. } => "negative_amount",
            Error::AmountTooLarge { .. } => "amount_too_large",
            Error::InvalidQuantity { .. } => "invalid_quantity",
            Error::InvalidHsCode { .. } => "invalid_hs_code",
            Error::HsCodeUnknown { .. } => "hs_code_unknown",
            Error::HsEditionAmbiguous { .. } => "hs_edition_ambiguous",
            Error::DuplicateEntry { .. } => "duplicate_entry",
            Error::InvalidDate { .. } => "invalid_date",
            Error::DateOutOfCoverage { .. } | Error::DateRefused { .. } => "date_out_of_coverage",
            Error::EmptyBasket { .. } => "empty_basket",
            Error::TooManyItems { .. } => "too_many_items",
            Error::InvalidRegion { .. } => "invalid_region",
            Error::FxUnavailable { .. } => "fx_unavailable",
            Error::DuplicateItemId { .. } => "duplicate_item_id",
            Error::Overflow { .. } => "overflow",
            Error::PreferenceUnknown { .. } => "preference_unknown",
            Error::UnknownCarrier { .. } => "unknown_carrier",
            Error::PreferenceOrigin { .. } => "preference_origin",
            Error::EmptyText { .. } => "empty_text",
            Error::Classifier { .. } => "classifier_unavailable",
            Error::Pack(PackError::BadMagic) => "pack_bad_magic",
            Error::Pack(PackError::UnsupportedVersion { .. }) => "pack_unsupported_version",
            Error::Pack(PackError::Truncated { .. }) => "pack_truncated",
            Error::Pack(PackError::HashMismatch) => "pack_corrupted",
            Error::Pack(PackError::Malformed(_)) => "pack_malformed",
        }
    }

    /// The JSON path of the input field at fault (`items[0].unit_price`), empty when none.
    pub fn path(&self) -> &str {
        with_path!(self, path => path, "")
    }

    /// The path field of an input error, to set it once the caller knows where the value sat.
    pub(crate) fn path_mut(&mut self) -> Option<&mut String> {
        with_path!(self, path => Some(path), None)
    }

    /// The error with its path set to `path` (a validator called without knowing where its
    /// value sat; the path is only built when there is an error).
    pub(crate) fn at(mut self, path: impl FnOnce() -> String) -> Error {
        if let Some(p) = self.path_mut() {
            *p = path();
        }
        self
    }

    /// Whether the caller's input is at fault (exit code 2, HTTP 422) rather than the pack or the engine.
    pub fn is_input_error(&self) -> bool {
        !matches!(
            self,
            Error::Pack(_) | Error::Overflow { .. } | Error::Classifier { .. }
        )
    }
}

/// Result with the core's error.
pub type Result<T, E = Error> = core::result::Result<T, E>;
