//! `landed`: the command-line tool.
//!
//! ```text
//! landed quote FILE|- [--format json|text] [--pack PACK] [--catalogue FILE] [--today YYYY-MM-DD]
//! landed classify [--top K] [--model DIR]     < {"id": ..., "text": ...} lines
//! ```
//! Exit code 0 on success, 2 on bad input (the message names the field), 1 on an internal error.

use clap::builder::TypedValueParser;
use clap::{Parser, Subcommand, ValueEnum};
use landed::{Date, Error, Pack, Quote};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

mod classify_cli;
mod text;

#[derive(Parser)]
#[command(
    name = "landed",
    version,
    about = "Landed cost of a cross-border parcel: duty, import tax and fees, with a citation for every figure"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Quote a basket (JSON file, or - for standard input).
    Quote {
        /// The basket file, or `-`.
        file: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        /// A tariff pack file instead of the built-in one.
        #[arg(long)]
        pack: Option<PathBuf>,
        /// The date taken as today when the basket has none (default: the system date, UTC).
        #[arg(long)]
        today: Option<String>,
        /// A catalogue file (`landed-catalogue`, exported by the server): confirmed codes by SKU.
        #[arg(long)]
        catalogue: Option<PathBuf>,
    },
    /// Classify product texts: JSON lines `{"id", "text"}` on stdin, `{"id", "codes", "scores"}` out.
    Classify {
        /// How many codes per text, best first.
        #[arg(long, default_value_t = landed::classify::DEFAULT_TOP_K, value_parser = clap::value_parser!(u16).range(1..=100).map(usize::from))]
        top: usize,
        /// A model directory (model.onnx, tokenizer.json, labels.json) instead of the built-in one.
        #[arg(long)]
        model: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Json,
    Text,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    let (file, format, pack, today, catalogue) = match cli.command {
        Command::Quote {
            file,
            format,
            pack,
            today,
            catalogue,
        } => (file, format, pack, today, catalogue),
        Command::Classify { top, model } => return classify_cli::run(top, model.as_deref()),
    };
    match run(&file, pack, today.as_deref(), catalogue) {
        Ok(q) => {
            match format {
                Format::Json => {
                    println!("{}", serde_json::to_string_pretty(&q).unwrap_or_default())
                }
                Format::Text => print!("{}", text::render(&q)),
            }
            ExitCode::SUCCESS
        }
        Err(Failure::Landed(e)) => {
            report(e.code(), e.path(), &e.to_string());
            ExitCode::from(if e.is_input_error() { 2 } else { 1 })
        }
        Err(Failure::Argument(e, path)) => {
            report(e.code(), path, &format!("{path}: {e}"));
            ExitCode::from(2)
        }
        Err(Failure::Io(msg)) => {
            report("io_error", "", &msg);
            ExitCode::from(2)
        }
    }
}

/// Why a quote failed: the core's typed error (input or pack), a file the caller named that is
/// not what it should be (a `--pack` that does not read: bad input, exit 2), or a file that could
/// not be read.
enum Failure {
    Landed(Error),
    Argument(Error, &'static str),
    Io(String),
}

/// A command line the parser refuses: help and version print as usual (exit 0); anything else is
/// bad input, reported like every other error, as JSON with a `code` and the argument at fault.
fn usage_error(e: &clap::Error) -> ExitCode {
    use clap::error::{ContextKind, ErrorKind};
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = e.print();
        return ExitCode::from(
            if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                2
            } else {
                0
            },
        );
    }
    let arg = e
        .get(ContextKind::InvalidArg)
        .map(|a| a.to_string())
        .unwrap_or_default();
    // `--top <TOP>` names the option; the path is the option itself.
    let path = arg.split_whitespace().next().unwrap_or_default();
    // clap's own sentence ("invalid value '0' for '--top <TOP>': 0 is not in 1..=100"), without
    // its "error: " prefix and usage lines.
    let rendered = e.render().to_string();
    let first = rendered.lines().next().unwrap_or_default();
    let message = first.strip_prefix("error: ").unwrap_or(first);
    report("invalid_argument", path, message);
    ExitCode::from(2)
}

fn report(code: &str, path: &str, message: &str) {
    let e = serde_json::json!({"error": {"code": code, "path": path, "message": message}});
    eprintln!("{e}");
}

fn read(file: &str) -> Result<String, Failure> {
    if file == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| Failure::Io(format!("reading standard input: {e}")))?;
        Ok(s)
    } else {
        std::fs::read_to_string(file).map_err(|e| Failure::Io(format!("reading {file}: {e}")))
    }
}

fn run(
    file: &str,
    pack: Option<PathBuf>,
    today: Option<&str>,
    catalogue: Option<PathBuf>,
) -> Result<Quote, Failure> {
    let text = read(file)?;
    let pack = match pack {
        Some(p) => {
            let bytes = std::fs::read(&p)
                .map_err(|e| Failure::Io(format!("reading {}: {e}", p.display())))?;
            Pack::from_bytes(&bytes).map_err(|e| Failure::Argument(e.into(), "--pack"))?
        }
        None => landed::default_pack().map_err(|e| Failure::Landed(e.into()))?,
    };
    let today = match today {
        Some(t) => t.parse().map_err(|_| {
            Failure::Landed(Error::InvalidDate {
                path: "--today".into(),
                value: t.into(),
            })
        })?,
        None => system_today(),
    };
    let catalogue = match catalogue {
        Some(p) => Some(
            landed::Catalogue::from_json(&read(&p.to_string_lossy())?, &pack)
                .map_err(Failure::Landed)?,
        ),
        None => None,
    };
    let basket = landed::Basket::from_json(&text).map_err(Failure::Landed)?;
    // Items with neither a code nor a catalogue entry: the built-in classifier, loaded on first use.
    let classifier = BuiltIn(std::cell::OnceCell::new());
    landed::Quoter::new(&pack)
        .catalogue(catalogue.as_ref())
        .classifier(Some(&classifier))
        .quote(&basket, today)
        .map_err(Failure::Landed)
}

/// The built-in HS classifier, loaded when a quote first needs it.
struct BuiltIn(std::cell::OnceCell<landed::classify::OnnxClassifier>);

impl landed::ClassifierSource for BuiltIn {
    fn classifier(&self) -> landed::Result<&dyn landed::classify::Classify> {
        if self.0.get().is_none() {
            // Set once here; a second set cannot happen on one thread.
            let _ = self.0.set(landed::classify::default_classifier()?);
        }
        self.0
            .get()
            .map(|c| c as _)
            .ok_or_else(|| Error::Classifier {
                message: "the built-in classifier was not kept".into(),
            })
    }
}

/// Today's date (UTC) from the system clock.
fn system_today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    Date::from_days_since_epoch(days)
        .unwrap_or_else(|| Date::new(1970, 1, 1).unwrap_or_else(|| unreachable!()))
}
