//! Runs the golden corpus (`tests/cases/<DEST>/*.yaml`) through the core and compares each case's
//! expectations to the cent. The same files run against the WASM package and the server.
//!
//! `cargo test --test golden` runs all; `cargo test --test golden -- NAME` runs cases whose name
//! contains NAME.

use std::path::Path;

#[path = "support/cases.rs"]
mod cases;

fn main() {
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let pack = landed::default_pack().expect("the default pack reads");
    let all = cases::load_all(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases"));
    let (mut passed, mut failed, mut pending) = (0, 0, 0);
    for (file, case) in &all {
        if filter
            .as_ref()
            .is_some_and(|f| !case.name.contains(f.as_str()))
        {
            continue;
        }
        let result = landed::Quoter::new(&pack).quote_json(&case.basket_json(), cases::today());
        // The figures-only quote (the browser's fast path) must be the full one without its trail.
        let figures_agree = || -> Result<(), String> {
            let Ok(full) = &result else { return Ok(()) };
            let basket =
                landed::Basket::from_json(&case.basket_json()).map_err(|e| e.to_string())?;
            let mut figures = landed::Quoter::new(&pack)
                .figures(&basket, cases::today())
                .map_err(|e| e.to_string())?;
            if !figures.explain.is_empty() {
                return Err("Quoter::figures returned an explain trail".into());
            }
            figures.explain = full.explain.clone();
            if &figures != full {
                return Err("Detail::Figures gives other figures than Detail::Full".into());
            }
            Ok(())
        };
        match (
            cases::check(case, &result).and_then(|()| figures_agree()),
            &case.pending,
        ) {
            (Err(_), Some(why)) => {
                pending += 1;
                println!("test {} ... pending ({why})", case.name);
            }
            (Ok(()), Some(_)) => {
                failed += 1;
                println!(
                    "test {} ... FAILED\n  {}\n  passes now: remove its `pending` mark",
                    case.name,
                    file.display()
                );
            }
            (Ok(()), None) => {
                passed += 1;
                println!("test {} ... ok", case.name);
            }
            (Err(why), None) => {
                failed += 1;
                println!(
                    "test {} ... FAILED\n  {}\n  {}",
                    case.name,
                    file.display(),
                    why.replace('\n', "\n  ")
                );
            }
        }
    }
    println!("\ngolden: {passed} passed, {failed} failed, {pending} skipped");
    if failed > 0 {
        std::process::exit(1);
    }
}
