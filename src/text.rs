//! The `--format text` rendering of a quote.

use landed::Quote;
use std::fmt::Write;

/// A readable breakdown of a quote.
pub fn render(q: &Quote) -> String {
    let mut o = String::new();
    let c = &q.currency;
    let t = &q.totals;
    let _ = writeln!(
        o,
        "Landed cost to {} on {} ({}, {}), pack {}@{}",
        q.destination,
        q.date,
        c,
        if q.incoterm == landed::basket::Incoterm::Ddp {
            "DDP"
        } else {
            "DAP"
        },
        q.pack.id,
        q.pack.version
    );
    let _ = writeln!(o);
    for (label, v) in [
        ("Goods", t.goods),
        ("Shipping", t.shipping),
        ("Insurance", t.insurance),
        ("Customs value", t.customs_value),
        ("Duty", t.duty),
        ("Tax", t.tax),
        ("Fees", t.fees),
        ("Landed cost", t.landed_cost),
        ("Due at checkout", t.due_at_checkout),
        ("Due at delivery", t.due_at_delivery),
    ] {
        let _ = writeln!(o, "  {label:<16} {v:>12} {c}");
    }
    if let Some(d) = &q.display {
        let _ = writeln!(
            o,
            "  (landed cost {} {} at {})",
            d.totals.landed_cost,
            d.currency,
            d.rate.normalize()
        );
    }
    let _ = writeln!(o, "\nLines");
    for l in &q.lines {
        let _ = writeln!(
            o,
            "  {:<12} HS {:<10} value {:>10}  duty {:>9} ({})  tax {:>9} ({}%)",
            l.id,
            l.hs_code.as_deref().unwrap_or("-"),
            l.customs_value,
            l.duty.amount,
            l.duty.rate,
            l.tax.amount,
            l.tax.rate.normalize()
        );
    }
    if !q.thresholds.is_empty() {
        let _ = writeln!(o, "\nThresholds");
        for th in &q.thresholds {
            let _ = writeln!(
                o,
                "  {} {:?} {:?}{}: {} vs {} {} -> {}",
                th.rule,
                th.value,
                th.scope,
                th.item
                    .as_ref()
                    .map(|i| format!(" ({i})"))
                    .unwrap_or_default(),
                th.compared,
                th.threshold,
                th.threshold_currency,
                if th.passed {
                    "applies"
                } else {
                    "does not apply"
                }
            );
        }
    }
    let _ = writeln!(o, "\nWhy");
    for e in &q.explain {
        let _ = writeln!(
            o,
            "  {:<20} {:>10}  {}\n  {:<20} {:>10}  [{} from {}] {}",
            e.figure, e.amount, e.formula, "", "", e.rule, e.effective, e.reference
        );
    }
    if !q.warnings.is_empty() {
        let _ = writeln!(o, "\nWarnings");
        for w in &q.warnings {
            let _ = writeln!(
                o,
                "  {}{}: {}",
                w.code,
                w.item
                    .as_ref()
                    .map(|i| format!(" ({i})"))
                    .unwrap_or_default(),
                w.message
            );
        }
    }
    o
}
