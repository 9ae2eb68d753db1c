//! The `tariff-pack` binary: `inspect`, `diff` and `build --check` on the committed pack.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}
fn pack_path() -> PathBuf {
    repo().join("packs/landed.pack")
}
fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tariff-pack"))
        .args(args)
        .current_dir(repo())
        .output()
        .unwrap()
}
/// Runs and expects success; returns stdout.
fn ok(args: &[&str]) -> String {
    let o = run(args);
    let (out, err) = (
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8_lossy(&o.stderr).to_string(),
    );
    assert!(o.status.success(), "{args:?} failed: {err}\n{out}");
    out
}
fn inspect(hs: &str, to: &str) -> String {
    ok(&["inspect", "packs/landed.pack", "--hs", hs, "--to", to])
}
fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn inspect_us_t_shirt() {
    let out = inspect("6109.10", "US");
    assert!(out.contains("destination US United States (USD)"), "{out}");
    assert!(out.contains("HS code     610910"), "{out}");
    assert!(out.contains("tariff      us-usitc-2025"), "{out}");
    assert!(out.contains("match       exact"), "{out}");
    // The line and its rate as the source writes it (`16.50%` in mfn_text_rate).
    assert!(out.contains("line 61091000 rate `16.50%`"), "{out}");
    assert!(out.contains("terms [AdValorem(16.5)]"), "{out}");
    // The source row and its text.
    let csv = std::fs::read_to_string(
        landed_pack::sources::data_dir()
            .join("us-usitc-tariff-database-2025/tariff_database_2025_06062025.csv"),
    )
    .unwrap();
    let (i, row) = csv
        .lines()
        .enumerate()
        .find(|(_, l)| l.starts_with("61091000,"))
        .unwrap();
    let shown = format!("source usitc-2025 row {}: ", i + 1);
    let at = out
        .find(&shown)
        .unwrap_or_else(|| panic!("no `{shown}` in {out}"));
    let text = out[at + shown.len()..].lines().next().unwrap();
    let text = text.trim_end_matches('…');
    assert!(text.len() >= 100 && row.starts_with(text), "{text}");
    assert!(out.contains("measures on 2026-11-25:"), "{out}");
}

#[test]
fn inspect_hs2022_mapping() {
    let out = inspect("851713", "DE");
    assert!(out.contains("tariff      eu-cet-2020"), "{out}");
    assert!(
        out.contains("mapping     HS 2022 851713 → HS 2017 851712"),
        "{out}"
    );
    assert!(out.contains("line 85171200 rate `0.0%`"), "{out}");
    assert!(out.contains("source ukgt-2021 row "), "{out}");
}

#[test]
fn inspect_code_formed_from_several() {
    // Drones (8806.21, new in HS 2022) come from three HS 2017 subheadings.
    let out = inspect("880621", "FR");
    assert!(
        out.contains(
            "mapping     HS 2022 880621 → HS 2017 852580, 880211, 880220 (formed from several: the dearest of their lines is collected)"
        ),
        "{out}"
    );
    assert!(
        out.contains("lines beneath 880621 with different rates"),
        "{out}"
    );
    // Thousands of candidate lines (e-waste, 8549.21) are counted, not all listed.
    let out = inspect("854921", "FR");
    assert!(out.contains(" … (1019 subheadings)"), "{out}");
    assert!(out.contains("more lines"), "{out}");
}

#[test]
fn inspect_destination_without_tariff() {
    let out = inspect("6109.10", "NO");
    assert!(out.contains("tariff      none: "), "{out}");
    assert!(!out.contains("match "), "{out}");
    assert!(out.contains("tax         VAT"), "{out}");
}

#[test]
fn inspect_japan_nine_digit_lines() {
    let out = inspect("6109.10.020", "JP");
    assert!(out.contains("tariff      jp-customs-2026"), "{out}");
    assert!(out.contains("line 610910020 rate `7.4%`"), "{out}");
    assert!(out.contains("tax         consumption tax"), "{out}");
}

#[test]
fn inspect_unknown_destination_fails() {
    let o = run(&[
        "inspect",
        "packs/landed.pack",
        "--hs",
        "610910",
        "--to",
        "XX",
    ]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("destination XX is not in the pack"));
}

#[test]
fn diff_of_a_pack_with_itself_is_empty() {
    let out = ok(&["diff", "packs/landed.pack", "packs/landed.pack"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].starts_with("old landed-all@"), "{out}");
    assert!(lines[1].starts_with("new landed-all@"), "{out}");
}

/// Copies the rule files to a temp folder, adds a dated 21 % standard rate to GB and builds.
#[test]
fn diff_shows_a_new_dated_vat_rate() {
    let rules = tmp("rules");
    std::fs::create_dir_all(&rules).unwrap();
    for e in std::fs::read_dir(landed_pack::rules_dir()).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, rules.join(p.file_name().unwrap())).unwrap();
        }
    }
    // The carriers file: the same fees, so the diff shows only the new rate.
    let carriers = rules.join("carriers");
    std::fs::create_dir_all(&carriers).unwrap();
    std::fs::copy(
        landed_pack::rules_dir()
            .join("carriers")
            .join("carriers.yaml"),
        carriers.join("carriers.yaml"),
    )
    .unwrap();
    let gb = rules.join("GB.yaml");
    let text = std::fs::read_to_string(&gb).unwrap();
    let old = "    - {from: 2011-01-04, rate: \"20\", reference: https://www.gov.uk/vat-rates}\n";
    assert!(text.contains(old), "GB.yaml changed: update this test");
    let new = format!(
        "{old}    - {{from: 2027-01-01, rate: \"21\", reference: https://www.gov.uk/vat-rates-2027}}\n"
    );
    std::fs::write(&gb, text.replace(old, &new)).unwrap();
    let built = landed_pack::build::build(&rules, false).unwrap();
    let out_pack = tmp("gb21.pack");
    std::fs::write(&out_pack, &built.all).unwrap();
    let out = ok(&["diff", "packs/landed.pack", out_pack.to_str().unwrap()]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[2..],
        ["GB: VAT standard rate: from 2027-01-01 21 added (https://www.gov.uk/vat-rates-2027)"],
        "{out}"
    );
    // And the other way round.
    let back = ok(&["diff", out_pack.to_str().unwrap(), "packs/landed.pack"]);
    assert!(
        back.contains("GB: VAT standard rate: from 2027-01-01 21 removed"),
        "{back}"
    );
    // Inspect sees the new rate after its date, the old one before.
    let p = out_pack.to_str().unwrap();
    let after = ok(&[
        "inspect",
        p,
        "--hs",
        "610910",
        "--to",
        "GB",
        "--date",
        "2027-01-01",
    ]);
    assert!(
        after.contains("tax         VAT 21% standard from 2027-01-01"),
        "{after}"
    );
    let before = ok(&[
        "inspect",
        p,
        "--hs",
        "610910",
        "--to",
        "GB",
        "--date",
        "2026-12-31",
    ]);
    assert!(
        before.contains("tax         VAT 20% standard from 2011-01-04"),
        "{before}"
    );
}

#[test]
fn build_check_fails_on_a_stale_pack() {
    let stale = tmp("stale.pack");
    let mut bytes = std::fs::read(pack_path()).unwrap();
    let n = bytes.len();
    bytes[n - 1] ^= 1;
    std::fs::write(&stale, &bytes).unwrap();
    let o = run(&["build", "--check", "--out", stale.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "build --check accepted a stale pack");
    assert!(
        err.contains("is not what the sources and rules compile to")
            && err.contains("cargo run -p landed-pack --release -- build"),
        "{err}"
    );
    // The stale file is left as it was.
    assert_eq!(std::fs::read(&stale).unwrap(), bytes);
}
