//! HS editions: checking that a code is a real subheading, and carrying a code of the older
//! edition (HS 2017) onto HS 2022, the edition every quote, catalogue and correction speaks.
//!
//! A HS 2017 subheading that HS 2022 kept has the same six digits in both. One that HS 2022 retired
//! is mapped only through the pack's curated correlation rows (each cited to the WCO correlation
//! tables): to its single successor, with a note saying so; with several successors, or none
//! curated, it is refused with [`Error::HsEditionAmbiguous`] rather than guessed.

use crate::error::{Error, Result};
use crate::pack::format::Pack;

/// The HS edition this build quotes in.
pub const CURRENT_EDITION: u16 = 2022;
/// Editions a code may be given in.
pub const EDITIONS: [u16; 2] = [2017, 2022];

/// A code carried onto HS 2022.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InCurrentEdition {
    /// The HS 2022 code (digits).
    pub code: String,
    /// Set when the code had to be mapped: what was done, for a warning.
    pub mapped: Option<String>,
}

/// Checks `code` (digits, as [`crate::basket::hs_code`] normalises them) as a subheading of
/// `edition` and returns it in HS 2022. `path` names the field for errors.
pub fn to_current(pack: &Pack, code: &str, edition: u16, path: &str) -> Result<InCurrentEdition> {
    let hs6 = subheading(code, path)?;
    let hs = &pack.body.hs;
    let in_2022 = pack.is_hs2022_subheading(hs6);
    // Kept: a subheading both editions have, so its code (national digits included) stands.
    let kept = match edition {
        CURRENT_EDITION => in_2022,
        2017 => in_2022 && hs.hs2022_new.binary_search(&hs6).is_err(),
        _ => {
            return Err(Error::InvalidValue {
                path: path.into(),
                message: format!("HS edition {edition} is not supported: expected 2017 or 2022"),
            })
        }
    };
    if kept {
        return Ok(InCurrentEdition {
            code: code.to_string(),
            mapped: None,
        });
    }
    // Not an HS 2022 subheading, or (given as HS 2017) one that HS 2017 did not have yet.
    let retired = (edition == 2017)
        .then(|| {
            hs.hs2017_retired
                .binary_search_by_key(&hs6, |(c, _)| *c)
                .ok()
        })
        .flatten();
    let Some(i) = retired else {
        return Err(unknown(path, code, edition));
    };
    match hs.hs2017_retired[i].1.as_slice() {
        [one] => Ok(InCurrentEdition {
            code: format!("{one:06}"),
            mapped: Some(format!(
                "HS 2017 subheading {hs6:06} was retired by HS 2022; mapped to its successor {one:06} (curated WCO correlation); the national digits `{}` were dropped",
                &code[6..]
            )),
        }),
        many => Err(Error::HsEditionAmbiguous {
            path: path.into(),
            value: code.into(),
            edition,
            successors: many.iter().map(|c| format!("{c:06}")).collect(),
        }),
    }
}

fn subheading(code: &str, path: &str) -> Result<u32> {
    code.get(..6)
        .filter(|_| code.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| Error::InvalidHsCode {
            path: path.into(),
            value: code.into(),
        })
}

fn unknown(path: &str, code: &str, edition: u16) -> Error {
    Error::HsCodeUnknown {
        path: path.into(),
        value: code.into(),
        edition,
    }
}

#[cfg(all(test, feature = "default-pack"))]
mod tests {
    use super::*;

    fn pack() -> Pack {
        crate::default_pack().unwrap()
    }

    #[test]
    fn a_current_code_is_kept_with_its_national_digits() {
        let m = to_current(&pack(), "6109100010", 2022, "p").unwrap();
        assert_eq!((m.code.as_str(), m.mapped), ("6109100010", None));
    }

    #[test]
    fn a_kept_hs2017_subheading_is_the_same_code() {
        let m = to_current(&pack(), "61091000", 2017, "p").unwrap();
        assert_eq!((m.code.as_str(), m.mapped), ("61091000", None));
    }

    #[test]
    fn a_retired_code_with_one_curated_successor_is_mapped_with_a_note() {
        // 8539.50 (LED lamps) became 8539.52 (curated row, HS 2022 Table I).
        let m = to_current(&pack(), "85395000", 2017, "p").unwrap();
        assert_eq!(m.code, "853952");
        assert!(m.mapped.unwrap().contains("853950"));
    }

    #[test]
    fn a_split_code_is_refused_with_its_successors() {
        // 8517.12 was split into smartphones (8517.13) and other wireless telephones (8517.14).
        assert_eq!(
            to_current(&pack(), "851712", 2017, "corrections[0].hs_code"),
            Err(Error::HsEditionAmbiguous {
                path: "corrections[0].hs_code".into(),
                value: "851712".into(),
                edition: 2017,
                successors: vec!["851713".into(), "851714".into()],
            })
        );
        // In HS 2022 the retired code does not exist at all.
        assert_eq!(
            to_current(&pack(), "851712", 2022, "p").unwrap_err().code(),
            "hs_code_unknown"
        );
    }

    #[test]
    fn digits_that_are_no_subheading_and_unknown_editions_are_refused() {
        let e = to_current(&pack(), "999999", 2022, "p").unwrap_err();
        assert_eq!((e.code(), e.path()), ("hs_code_unknown", "p"));
        assert_eq!(
            to_current(&pack(), "999999", 2017, "p").unwrap_err().code(),
            "hs_code_unknown"
        );
        // New in HS 2022: no HS 2017 subheading.
        assert_eq!(
            to_current(&pack(), "851713", 2017, "p").unwrap_err().code(),
            "hs_code_unknown"
        );
        assert_eq!(
            to_current(&pack(), "610910", 2012, "p").unwrap_err().code(),
            "invalid_value"
        );
        assert_eq!(
            to_current(&pack(), "61x910", 2022, "p").unwrap_err().code(),
            "invalid_hs_code"
        );
    }
}
