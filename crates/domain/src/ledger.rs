//! The settlement rules of the double-entry ledger, as pure functions. A transfer moves a positive
//! amount from one account to another and becomes two entries (`from: -amount`, `to: +amount`), so
//! every transfer, and the whole ledger, sums to zero.

/// Paid by the shopper at checkout (duty, tax and fees due at checkout).
pub const SHOPPER_PREPAID: &str = "shopper_prepaid";
/// Held between checkout and clearance.
pub const HELD: &str = "held";
/// Owed to customs for the assessed amount.
pub const CUSTOMS_PAYABLE: &str = "customs_payable";
/// The platform covers what customs assessed above the prepaid amount.
pub const PLATFORM_GUARANTEE: &str = "platform_guarantee";
/// Owed back to the shopper: what was prepaid above the assessed amount.
pub const SHOPPER_REFUND: &str = "shopper_refund";

/// Every account, in report order.
pub const ACCOUNTS: [&str; 5] = [
    SHOPPER_PREPAID,
    HELD,
    CUSTOMS_PAYABLE,
    PLATFORM_GUARANTEE,
    SHOPPER_REFUND,
];

/// One movement: `amount` (minor units, > 0) from `from` to `to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transfer {
    /// Debited account.
    pub from: &'static str,
    /// Credited account.
    pub to: &'static str,
    /// Minor units, positive.
    pub amount: i64,
}

/// Clearance outcome of a parcel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Customs assessed and released it.
    Cleared,
    /// Cancelled before clearance: the hold is voided.
    Cancelled,
}

/// At quote acceptance: hold the prepaid amount.
pub fn hold(prepaid: i64) -> Vec<Transfer> {
    nonzero(vec![Transfer {
        from: SHOPPER_PREPAID,
        to: HELD,
        amount: prepaid,
    }])
}

/// At clearance: release the hold to customs for the assessed amount; the platform guarantees
/// any shortfall, the shopper is refunded any excess. A cancellation voids the hold.
pub fn clear(prepaid: i64, assessed: i64, status: Status) -> Vec<Transfer> {
    match status {
        Status::Cancelled => nonzero(vec![Transfer {
            from: HELD,
            to: SHOPPER_PREPAID,
            amount: prepaid,
        }]),
        Status::Cleared => {
            let paid = prepaid.min(assessed);
            nonzero(vec![
                Transfer {
                    from: HELD,
                    to: CUSTOMS_PAYABLE,
                    amount: paid,
                },
                Transfer {
                    from: PLATFORM_GUARANTEE,
                    to: CUSTOMS_PAYABLE,
                    amount: assessed - paid,
                },
                Transfer {
                    from: HELD,
                    to: SHOPPER_REFUND,
                    amount: prepaid - paid,
                },
            ])
        }
    }
}

fn nonzero(v: Vec<Transfer>) -> Vec<Transfer> {
    v.into_iter().filter(|t| t.amount != 0).collect()
}

/// The entries of transfers: `(account, signed amount)`.
pub fn entries(transfers: &[Transfer]) -> Vec<(&'static str, i64)> {
    transfers
        .iter()
        .flat_map(|t| [(t.from, -t.amount), (t.to, t.amount)])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn balance(ts: &[Transfer], account: &str) -> i64 {
        entries(ts)
            .iter()
            .filter(|(a, _)| *a == account)
            .map(|(_, v)| v)
            .sum()
    }

    #[test]
    fn every_outcome_balances_and_empties_held() {
        for (p, a) in [(1000, 1000), (1000, 1200), (1000, 800), (0, 500), (500, 0)] {
            for s in [Status::Cleared, Status::Cancelled] {
                let mut all = hold(p);
                all.extend(clear(p, a, s));
                assert_eq!(entries(&all).iter().map(|e| e.1).sum::<i64>(), 0);
                assert_eq!(balance(&all, HELD), 0, "held empties ({p}, {a}, {s:?})");
                if s == Status::Cleared {
                    assert_eq!(balance(&all, CUSTOMS_PAYABLE), a);
                    assert_eq!(balance(&all, PLATFORM_GUARANTEE), -(a - p).max(0));
                    assert_eq!(balance(&all, SHOPPER_REFUND), (p - a).max(0));
                } else {
                    assert_eq!(balance(&all, SHOPPER_PREPAID), 0);
                }
            }
        }
    }
}
