//! The clearance timeline of a parcel: its states and the one table of allowed transitions.
//!
//! ```text
//! (none)            -> declared
//! declared          -> under_inspection | awaiting_duty | released | held | returned
//! under_inspection  -> awaiting_duty | released | held | returned | seized
//! awaiting_duty     -> released | held | returned
//! held              -> under_inspection | awaiting_duty | released | returned | seized
//! released, returned, seized: terminal
//! ```

/// Where a parcel stands in customs clearance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ParcelStatus {
    /// The declaration was lodged (lines, values, seller, destination).
    Declared,
    /// Customs opened the parcel or is checking its documents.
    UnderInspection,
    /// Assessed; duty and tax are due before release.
    AwaitingDuty,
    /// Released to the carrier for delivery (terminal).
    Released,
    /// Held by customs (valuation query, missing documents, suspected infringement).
    Held,
    /// Sent back to the seller (terminal).
    Returned,
    /// Seized by customs (terminal).
    Seized,
}

impl ParcelStatus {
    /// Every status, in timeline order.
    pub const ALL: [ParcelStatus; 7] = [
        ParcelStatus::Declared,
        ParcelStatus::UnderInspection,
        ParcelStatus::AwaitingDuty,
        ParcelStatus::Released,
        ParcelStatus::Held,
        ParcelStatus::Returned,
        ParcelStatus::Seized,
    ];

    /// The wire name (`under_inspection`).
    pub fn as_str(self) -> &'static str {
        match self {
            ParcelStatus::Declared => "declared",
            ParcelStatus::UnderInspection => "under_inspection",
            ParcelStatus::AwaitingDuty => "awaiting_duty",
            ParcelStatus::Released => "released",
            ParcelStatus::Held => "held",
            ParcelStatus::Returned => "returned",
            ParcelStatus::Seized => "seized",
        }
    }

    /// The status of a wire name.
    pub fn parse(s: &str) -> Option<ParcelStatus> {
        ParcelStatus::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// No event may follow.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            ParcelStatus::Released | ParcelStatus::Returned | ParcelStatus::Seized
        )
    }

    /// Counts as an inspection for the inspection-rate statistics.
    pub fn is_inspection(self) -> bool {
        matches!(self, ParcelStatus::UnderInspection | ParcelStatus::Held)
    }
}

/// Whether a parcel at `from` (`None`: no event yet) may move to `to`. The whole state machine,
/// kept as a table (one row per state) rather than folded into a `matches!`.
#[allow(clippy::match_like_matches_macro)]
pub fn allowed(from: Option<ParcelStatus>, to: ParcelStatus) -> bool {
    use ParcelStatus::*;
    match (from, to) {
        (None, Declared) => true,
        (Some(Declared), UnderInspection | AwaitingDuty | Released | Held | Returned) => true,
        (Some(UnderInspection), AwaitingDuty | Released | Held | Returned | Seized) => true,
        (Some(AwaitingDuty), Released | Held | Returned) => true,
        (Some(Held), UnderInspection | AwaitingDuty | Released | Returned | Seized) => true,
        _ => false,
    }
}

/// A move that [`allowed`] refuses (the server answers it as `invalid_transition`, HTTP 409).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("parcel {parcel}: cannot go from `{from}` to `{to}`")]
pub struct InvalidTransition {
    /// The platform's parcel id.
    pub parcel: String,
    /// The current status (`none` before the first event).
    pub from: &'static str,
    /// The requested status.
    pub to: &'static str,
}

/// [`allowed`], or the error naming both ends.
pub fn check(
    parcel: &str,
    from: Option<ParcelStatus>,
    to: ParcelStatus,
) -> Result<(), InvalidTransition> {
    if allowed(from, to) {
        return Ok(());
    }
    Err(InvalidTransition {
        parcel: parcel.to_string(),
        from: from.map_or("none", ParcelStatus::as_str),
        to: to.as_str(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ParcelStatus::*;

    #[test]
    fn names_round_trip() {
        for s in ParcelStatus::ALL {
            assert_eq!(ParcelStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(ParcelStatus::parse("cleared"), None);
    }

    #[test]
    fn terminal_states_accept_nothing_and_only_declared_starts() {
        for to in ParcelStatus::ALL {
            for from in [Released, Returned, Seized] {
                assert!(!allowed(Some(from), to), "{from:?} -> {to:?}");
            }
            assert_eq!(allowed(None, to), to == Declared);
            assert!(!allowed(Some(to), to), "no self-transition for {to:?}");
            assert!(!allowed(Some(to), Declared), "declared only once");
        }
        // Seizure only after customs looked at the parcel.
        assert!(!allowed(Some(Declared), Seized));
        assert!(!allowed(Some(AwaitingDuty), Seized));
        assert!(allowed(Some(UnderInspection), Seized));
        assert!(allowed(Some(Held), Seized));
    }

    #[test]
    fn every_state_reaches_a_terminal_state() {
        for s in ParcelStatus::ALL {
            if !s.is_terminal() {
                assert!(
                    ParcelStatus::ALL
                        .iter()
                        .any(|t| t.is_terminal() && allowed(Some(s), *t)),
                    "{s:?} is stuck"
                );
            }
        }
    }

    #[test]
    fn the_error_names_both_ends() {
        let e = check("P1", Some(Released), Held).unwrap_err();
        assert_eq!((e.from, e.to), ("released", "held"));
        assert!(e.to_string().contains("`released` to `held`"), "{e}");
        let e = check("P1", None, Released).unwrap_err();
        assert!(e.to_string().contains("`none` to `released`"), "{e}");
    }
}
