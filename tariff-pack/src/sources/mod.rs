//! Parsers for the public data the pack is compiled from: tariffs (USITC, UK Global Tariff / EU CET,
//! Australian Schedule 3, Japan's schedule with its EPA columns), the HS nomenclature, VAT/GST rates and ECB reference FX rates.
//!
//! Every loader reads a vendored file under `tariff-pack/data/` (see its `SOURCE.md`), returns core model
//! types from [`landed::pack::model`] plus simple statistics, and reports a bad row as a [`SourceError`]
//! naming the file and line. A rate that is legitimately too complex to model (seasonal rates, entry
//! prices, formulas on part of the goods) is not an error: it becomes a `DutyExpr { unparsed: true, .. }`
//! (rate unknown) and is counted in the stats.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use landed::date::Date;
use landed::pack::{DutyExpr, PackDataset};

pub mod au;
pub mod duty_text;
pub mod fx;
pub mod hs;
pub mod hs_unsd;
pub mod jp;
pub mod jp_rate;
pub mod ukgt;
pub mod usitc;
pub mod usitc_special;
pub mod vat;

/// A source file could not be read, or one of its rows is invalid.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// A row (or the header, line 1) is invalid.
    #[error("{file}:{line}: {what}; expected e.g. {example}")]
    Row {
        /// The file as given to the loader.
        file: String,
        /// 1-based line number in the file.
        line: u64,
        /// What is wrong.
        what: String,
        /// A valid example of what was expected.
        example: String,
    },
    /// The file could not be opened or read at all.
    #[error("{file}: {what}")]
    File {
        /// The file as given to the loader.
        file: String,
        /// What went wrong.
        what: String,
    },
}

impl SourceError {
    /// An invalid row at `file:line`.
    pub fn row(
        file: &Path,
        line: u64,
        what: impl Into<String>,
        example: impl Into<String>,
    ) -> Self {
        SourceError::Row {
            file: file.display().to_string(),
            line,
            what: what.into(),
            example: example.into(),
        }
    }
    /// A file that cannot be read.
    pub fn file(file: &Path, what: impl fmt::Display) -> Self {
        SourceError::File {
            file: file.display().to_string(),
            what: what.to_string(),
        }
    }
}

/// The folder holding the vendored data (`tariff-pack/data`), found from the crate's manifest directory.
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// Paths of the vendored files, relative to [`data_dir`].
pub mod files {
    /// USITC annual tariff database 2025.
    pub const USITC: &str = "us-usitc-tariff-database-2025/tariff_database_2025_06062025.csv";
    /// UK Global Tariff 2021 with the EU CET 2020 rates.
    pub const UKGT: &str = "uk-global-tariff-2021/global-uk-tariff.csv";
    /// Australian Customs Tariff Schedule 3.
    pub const AU_SCHEDULE3: &str = "au-customs-tariff/schedule3_classifications.csv";
    /// Japan's customs tariff schedule (実行関税率表) of 2026-07-09, trimmed.
    pub const JP: &str = "jp-customs-tariff-2026/jp_tariff_2026-07-09.csv";
    /// HS 2022 nomenclature.
    pub const HS2022: &str = "hs-nomenclature-2022/harmonized-system.csv";
    /// HS 2017 nomenclature.
    pub const HS2017: &str = "hs-nomenclature-2017/harmonized-system.csv";
    /// Curated HS 2022 -> HS 2017 correlations for subheadings that changed (successors of retired codes).
    pub const HS_CORRELATION: &str = "hs-correlation-2017-2022.csv";
    /// UNSD HS 2022 -> HS 2017 correlation table (the tariff mapping).
    pub const HS_CORRELATION_UNSD: &str =
        "hs-correlation-2022-2017/unsd-hs2022-hs2017-correlation.csv";
    /// ibericode EU VAT rates.
    pub const VAT_IBERICODE: &str = "vat-rates-eu-ibericode/vat-rates.json";
    /// vatverify European VAT rates.
    pub const VAT_VATVERIFY: &str = "vat-rates-europe-vatverify/rates.json";
    /// node-sales-tax world rates.
    pub const VAT_WORLD: &str = "sales-tax-rates-world/sales_tax_rates.json";
    /// ECB reference rates (trimmed to the last 30 business days).
    pub const ECB: &str = "ecb-eurofxref-hist/eurofxref-hist.csv";
}

/// The datasets the sources read, for the pack header.
pub fn datasets() -> Vec<PackDataset> {
    let d = |id: &str, title: &str, vintage: &str, source: &str, licence: &str| PackDataset {
        id: id.into(),
        title: title.into(),
        vintage: vintage.into(),
        source: source.into(),
        licence: licence.into(),
    };
    vec![
        d(
            "au-schedule3",
            "Australian Customs Tariff Act 1995, Schedule 3 general rates (partial scrape)",
            "scraped 2026-04-17",
            "https://www.abf.gov.au/importing-exporting-and-manufacturing/tariff-classification (via github.com/networkneedsau/australian-tariff-classification)",
            "CC BY 4.0 (Commonwealth of Australia, Federal Register of Legislation)",
        ),
        d(
            "ecb-eurofxref",
            "ECB euro foreign exchange reference rates",
            "2026-04-13",
            "https://www.ecb.europa.eu/stats/policy_and_exchange_rates/euro_reference_exchange_rates/html/index.en.html",
            "ECB reuse with acknowledgement (Source: European Central Bank)",
        ),
        d(
            "hs-2017",
            "Harmonized System 2017 nomenclature",
            "HS 2017",
            "https://github.com/datasets/harmonized-system",
            "PDDL 1.0",
        ),
        d(
            "hs-correlation-unsd",
            "HS 2022 -> HS 2017 correlation table (UN Statistics Division, after the WCO correlation tables)",
            "2022-08-01",
            hs_unsd::UNSD_URL,
            "Source: United Nations Statistics Division, HS 2022-HS 2017 correlation tables",
        ),
        d(
            "hs-2022",
            "Harmonized System 2022 nomenclature",
            "HS 2022",
            "https://github.com/datasets/harmonized-system",
            "PDDL 1.0",
        ),
        d(
            jp::DATASET,
            "Japan's customs tariff schedule (実行関税率表), nine-digit lines: general, temporary, WTO and EPA rates",
            "2026-07-09 edition",
            "https://www.customs.go.jp/english/tariff/2026_07_09/index.htm (via github.com/qlitre/japan-tariff-mcp @ 715eff9)",
            "出典: 税関 実行関税率表 (2026年7月9日版); public law (Customs Tariff Act schedules, EPA schedules); Government of Japan Standard Terms of Use 2.0 / PDL 1.0 attribution; scrape MIT",
        ),
        d(
            "ukgt-2021",
            "UK Global Tariff as of 2021-01-01, with the EU CET 2020 rate it replaced",
            "2021-01-01 (EU CET: 2020-12-31)",
            "https://github.com/uktrade/global-uk-tariff",
            "OGL v3.0: Contains public sector information licensed under the Open Government Licence v3.0.",
        ),
        d(
            "usitc-2025",
            "USITC annual tariff database 2025 (HTS 8-digit)",
            "2025-06-06",
            "https://hts.usitc.gov/ (dataweb.usitc.gov/tariff/annual)",
            "US public domain (17 U.S.C. 105)",
        ),
        d(
            "vat-ibericode",
            "EU VAT rates with history (ibericode/vat-rates)",
            "2025-08-12",
            vat::IBERICODE_URL,
            "MIT",
        ),
        d(
            "vat-vatverify",
            "VAT rates for 44 European jurisdictions (vatverify-rates)",
            "verified up to 2026-04-13",
            vat::VATVERIFY_URL,
            "MIT",
        ),
        d(
            "vat-world",
            "Standard VAT/GST/sales tax rates (node-sales-tax)",
            "2025-10-31",
            vat::WORLD_URL,
            "MIT",
        ),
    ]
}

/// What a tariff loader read and kept.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TariffStats {
    /// Data rows read (header excluded).
    pub rows_read: u64,
    /// Tariff lines kept.
    pub lines_kept: u64,
    /// Rows skipped, by reason.
    pub skipped: BTreeMap<String, u64>,
    /// Distinct expressions.
    pub distinct_exprs: u64,
    /// Lines whose rate could not be modelled (rate unknown).
    pub unparsed_lines: u64,
    /// The distinct unparsed rate texts with how many lines carry each, most frequent first.
    pub unparsed_texts: Vec<(String, u64)>,
    /// Preferential rates: how many were kept per programme, and what was not kept or disagreed, by reason.
    pub preferences: BTreeMap<String, u64>,
}

impl TariffStats {
    /// Counts a skipped row.
    pub fn skip(&mut self, reason: &str) {
        *self.skipped.entry(reason.to_string()).or_insert(0) += 1;
    }
    /// Counts a preferential rate kept, or one not kept (and why).
    pub fn preference(&mut self, what: &str) {
        *self.preferences.entry(what.to_string()).or_insert(0) += 1;
    }
}

impl fmt::Display for TariffStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} rows read, {} lines kept, {} distinct expressions, {} lines with an unparsed rate ({} distinct texts)",
            self.rows_read,
            self.lines_kept,
            self.distinct_exprs,
            self.unparsed_lines,
            self.unparsed_texts.len()
        )?;
        for (reason, n) in &self.skipped {
            write!(f, "; skipped {n}: {reason}")?;
        }
        for (what, n) in &self.preferences {
            write!(f, "; preference {n}: {what}")?;
        }
        Ok(())
    }
}

/// Interns duty expressions: identical expressions get one index.
#[derive(Default)]
pub struct ExprTable {
    exprs: Vec<DutyExpr>,
    index: std::collections::HashMap<DutyExpr, u32>,
}

impl ExprTable {
    /// The index of `expr`, adding it when new.
    pub fn intern(&mut self, expr: DutyExpr) -> u32 {
        if let Some(&i) = self.index.get(&expr) {
            return i;
        }
        let i = u32::try_from(self.exprs.len()).unwrap_or(u32::MAX);
        self.index.insert(expr.clone(), i);
        self.exprs.push(expr);
        i
    }
    /// The table.
    pub fn into_vec(self) -> Vec<DutyExpr> {
        self.exprs
    }
}

/// Fills the expression counts of `stats` from a finished tariff.
pub(crate) fn finish_stats(stats: &mut TariffStats, tariff: &landed::pack::Tariff) {
    stats.lines_kept = tariff.lines.len() as u64;
    stats.distinct_exprs = tariff.exprs.len() as u64;
    let mut by_text: BTreeMap<&str, u64> = BTreeMap::new();
    for line in &tariff.lines {
        if let Some(e) = tariff.exprs.get(line.expr as usize) {
            if e.unparsed {
                stats.unparsed_lines += 1;
                *by_text.entry(e.text.as_str()).or_insert(0) += 1;
            }
        }
    }
    let mut texts: Vec<(String, u64)> = by_text
        .into_iter()
        .map(|(t, n)| (t.to_string(), n))
        .collect();
    texts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    stats.unparsed_texts = texts;
}

/// Reads a CSV file with a header row; returns the header and the records with their 1-based line numbers.
///
/// Line numbers are computed from each record's byte offset (the csv crate's own line counter is off by one
/// in CRLF files).
pub(crate) fn read_csv(
    path: &Path,
) -> Result<(csv::StringRecord, Vec<(u64, csv::StringRecord)>), SourceError> {
    let bytes = std::fs::read(path).map_err(|e| SourceError::file(path, e))?;
    let newlines: Vec<usize> = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i)
        .collect();
    let line_at = |byte: u64| -> u64 {
        let mut off = usize::try_from(byte).unwrap_or(usize::MAX).min(bytes.len());
        while off < bytes.len() && (bytes[off] == b'\r' || bytes[off] == b'\n') {
            off += 1;
        }
        newlines.partition_point(|&n| n < off) as u64 + 1
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(bytes.as_slice());
    let header = reader
        .headers()
        .map_err(|e| {
            SourceError::row(
                path,
                1,
                format!("unreadable header: {e}"),
                "a CSV header line",
            )
        })?
        .clone();
    let mut rows = Vec::new();
    for rec in reader.records() {
        match rec {
            Ok(r) => {
                let line = r.position().map_or(0, |p| line_at(p.byte()));
                rows.push((line, r));
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| line_at(p.byte()));
                return Err(SourceError::row(
                    path,
                    line,
                    format!("unreadable CSV row: {e}"),
                    format!("{} comma-separated fields", header.len()),
                ));
            }
        }
    }
    Ok((header, rows))
}

/// The index of column `name` in `header`, or an error at line 1 listing the expected columns.
pub(crate) fn column(
    path: &Path,
    header: &csv::StringRecord,
    name: &str,
    expected: &[&str],
) -> Result<usize, SourceError> {
    header
        .iter()
        .position(|h| h.trim_start_matches('\u{feff}') == name)
        .ok_or_else(|| {
            SourceError::row(
                path,
                1,
                format!("missing column `{name}`"),
                format!("a header with columns {}", expected.join(",")),
            )
        })
}

/// A constant date.
pub(crate) fn ymd(y: u16, m: u8, d: u8) -> Date {
    Date::new(y, m, d).expect("constant dates are valid")
}

/// The fixed facts of a tariff being built.
pub(crate) struct TariffMeta {
    pub id: &'static str,
    pub dataset: &'static str,
    pub hs_edition: u16,
    pub currency: &'static str,
    pub rates_as_of: Date,
    pub uncovered_chapters: Vec<u8>,
}

/// Builds a tariff from `(code digits, expression, source line)` entries: interns the expressions in line order
/// and sorts the lines by (digits, code). Duplicate codes are reported at the second occurrence.
pub(crate) fn build_tariff(
    path: &Path,
    meta: TariffMeta,
    mut entries: Vec<(String, DutyExpr, u64)>,
) -> Result<landed::pack::Tariff, SourceError> {
    entries.sort_by(|a, b| (a.0.len(), &a.0, a.2).cmp(&(b.0.len(), &b.0, b.2)));
    let mut table = ExprTable::default();
    let mut lines: Vec<landed::pack::TariffLine> = Vec::with_capacity(entries.len());
    let mut prev: Option<(String, u64)> = None;
    for (code, expr, row) in entries {
        if let Some((pc, prow)) = &prev {
            if *pc == code {
                return Err(SourceError::row(
                    path,
                    row,
                    format!("duplicate code {code} (first at line {prow})"),
                    "each tariff code once",
                ));
            }
        }
        let digits = u8::try_from(code.len()).unwrap_or(u8::MAX);
        let number: u64 = code
            .parse()
            .map_err(|_| SourceError::row(path, row, format!("bad code `{code}`"), "01012100"))?;
        let source_row = u32::try_from(row).map_err(|_| {
            SourceError::row(
                path,
                row,
                "line number too large",
                "a file under 4 billion lines",
            )
        })?;
        let expr = table.intern(expr);
        lines.push(landed::pack::TariffLine {
            code: number,
            digits,
            expr,
            source_row,
        });
        prev = Some((code, row));
    }
    Ok(landed::pack::Tariff {
        id: meta.id.to_string(),
        dataset: meta.dataset.to_string(),
        hs_edition: meta.hs_edition,
        currency: meta.currency.to_string(),
        rates_as_of: meta.rates_as_of,
        uncovered_chapters: meta.uncovered_chapters,
        exprs: table.into_vec(),
        lines,
        hs2022_map: Vec::new(),
        hs2022_unmapped: Vec::new(),
        preferences: Vec::new(),
    })
}

/// True when `s` is exactly `n` ASCII digits.
pub(crate) fn is_digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// The chapters (1..=97, 77 excluded: reserved in the HS) that no line of `codes` falls in.
pub(crate) fn uncovered_chapters<'a>(codes: impl Iterator<Item = &'a str>) -> Vec<u8> {
    let mut seen = [false; 100];
    for c in codes {
        if let Some(ch) = c.get(..2).and_then(|p| p.parse::<usize>().ok()) {
            if let Some(s) = seen.get_mut(ch) {
                *s = true;
            }
        }
    }
    (1u8..=97)
        .filter(|&c| c != 77 && !seen[usize::from(c)])
        .collect()
}
