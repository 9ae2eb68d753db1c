//! `tariff-pack`: compiles public tariff data and cited rule files into the binary pack the landed
//! core reads, and inspects or compares packs.
//!
//! ```text
//! tariff-pack build [--out packs/landed.pack] [--split DIR] [--check]
//! tariff-pack inspect PACK --hs CODE --to XX [--date YYYY-MM-DD]
//! tariff-pack diff OLD NEW
//! ```

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use std::path::PathBuf;

use landed_pack::{build, diff, inspect};

#[derive(Parser)]
#[command(
    name = "tariff-pack",
    version,
    about = "Compile, inspect and compare landed tariff packs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Compile tariff-pack/data and tariff-pack/rules into a pack.
    Build {
        /// Where to write the all-destinations pack.
        #[arg(long, default_value = "packs/landed.pack")]
        out: PathBuf,
        /// Also write one pack per destination into this folder.
        #[arg(long)]
        split: Option<PathBuf>,
        /// Do not write: fail if the pack at --out differs from a fresh build.
        #[arg(long)]
        check: bool,
        /// Folder holding the rule files.
        #[arg(long, default_value_os_t = landed_pack::rules_dir())]
        rules: PathBuf,
    },
    /// Show what a pack says for an HS code in a destination, and the source row it came from.
    Inspect {
        /// The pack file.
        pack: PathBuf,
        /// HS code (6 to 10 digits).
        #[arg(long, required_unless_present = "coverage")]
        hs: Option<String>,
        /// Destination code.
        #[arg(long, required_unless_present = "coverage")]
        to: Option<String>,
        /// Date for dated values (default: the pack's build date).
        #[arg(long)]
        date: Option<String>,
        /// Instead of one code: what the pack holds per destination (duty source and vintage,
        /// tax, thresholds, extra duty layers, fees, preferences), as the README's table.
        #[arg(long)]
        coverage: bool,
        /// With --coverage: JSON (the `holdings` of `packInfo()`) instead of Markdown.
        #[arg(long, requires = "coverage")]
        json: bool,
    },
    /// List the rates and rules that changed between two packs, with their dates.
    Diff {
        /// The older pack.
        old: PathBuf,
        /// The newer pack.
        new: PathBuf,
    },
}

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    match Cli::parse().command {
        Command::Build {
            out,
            split,
            check,
            rules,
        } => {
            let built = build::build(&rules, true)?;
            if check {
                let current =
                    std::fs::read(&out).with_context(|| format!("reading {}", out.display()))?;
                if current != built.all {
                    bail!(
                        "{} is not what the sources and rules compile to: run `cargo run -p landed-pack --release -- build` and commit it",
                        out.display()
                    );
                }
                println!("{} is up to date", out.display());
            } else {
                if let Some(dir) = out.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                std::fs::write(&out, &built.all)
                    .with_context(|| format!("writing {}", out.display()))?;
                println!("wrote {}", out.display());
            }
            if let Some(dir) = split {
                std::fs::create_dir_all(&dir)?;
                for (code, bytes) in &built.per_destination {
                    std::fs::write(dir.join(format!("landed-{code}.pack")), bytes)?;
                }
                println!(
                    "wrote {} destination packs into {}",
                    built.per_destination.len(),
                    dir.display()
                );
            }
            Ok(())
        }
        Command::Inspect {
            pack,
            hs,
            to,
            date,
            coverage,
            json,
        } => {
            let bytes =
                std::fs::read(&pack).with_context(|| format!("reading {}", pack.display()))?;
            match (coverage, hs, to) {
                (true, ..) => print!("{}", inspect::coverage(&bytes, date.as_deref(), json)?),
                (false, Some(hs), Some(to)) => {
                    print!("{}", inspect::inspect(&bytes, &hs, &to, date.as_deref())?)
                }
                _ => anyhow::bail!("give --hs and --to, or --coverage"),
            }
            Ok(())
        }
        Command::Diff { old, new } => {
            let a = std::fs::read(&old).with_context(|| format!("reading {}", old.display()))?;
            let b = std::fs::read(&new).with_context(|| format!("reading {}", new.display()))?;
            print!("{}", diff::diff(&a, &b)?);
            Ok(())
        }
    }
}
