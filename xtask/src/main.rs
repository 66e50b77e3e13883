//! `cargo xtask`: the project's own tasks.
//!
//! - `cargo xtask gen [--check] [--spec PATH] [--out PATH] [--operations-out PATH]`
//!   regenerates `crates/stablemint-raw/src/generated.rs` (the raw client) and
//!   `crates/stablemint/src/operations.rs` (the per-operation methods of
//!   `stablemint::Client`) from `openapi/stablemint.yaml`.
//! - `cargo xtask tables [--check]` regenerates the validator's country and currency
//!   tables from the data committed under `crates/stablemint-validate/data/`.
//!
//! With `--check` nothing is written: a difference is printed as a unified diff and the
//! exit code is 1. CI runs both checks.

mod diff;
mod tables;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

/// The project's tasks. Exit codes: 0 done (or up to date), 1 out of date or failed.
#[derive(Parser)]
#[command(name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Generate the raw client from the OpenAPI spec.
    Gen {
        /// Write nothing; exit 1 with a diff if the committed file is out of date.
        #[arg(long)]
        check: bool,
        /// The spec to generate from, instead of openapi/stablemint.yaml.
        #[arg(long, value_name = "PATH")]
        spec: Option<PathBuf>,
        /// Where the client goes, instead of crates/stablemint-raw/src/generated.rs.
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
        /// Where the methods of stablemint::Client go, instead of
        /// crates/stablemint/src/operations.rs (with --out: operations.rs beside it).
        #[arg(long, value_name = "PATH")]
        operations_out: Option<PathBuf>,
    },
    /// Generate the country and currency tables of stablemint-validate.
    Tables {
        /// Write nothing; exit 1 with a diff if the committed tables are out of date.
        #[arg(long)]
        check: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = workspace_root();
    let outcome = match cli.task {
        Task::Gen {
            check,
            spec,
            out,
            operations_out,
        } => {
            let spec = spec.unwrap_or_else(|| root.join("openapi/stablemint.yaml"));
            // A custom client path keeps the operations beside it, so that a run on a
            // scratch spec never overwrites the repository's files.
            let operations_out = operations_out.unwrap_or_else(|| match &out {
                Some(out) => out.with_file_name("operations.rs"),
                None => root.join("crates/stablemint/src/operations.rs"),
            });
            let out = out.unwrap_or_else(|| root.join("crates/stablemint-raw/src/generated.rs"));
            gen_client(&root, &spec, &[&out, &operations_out], check)
        }
        Task::Tables { check } => tables::run(&root, check),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: xtask lives one level below it.
fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// Generates the client into `outputs[0]` and the operations into `outputs[1]`.
fn gen_client(root: &Path, spec: &Path, outputs: &[&Path; 2], check: bool) -> anyhow::Result<()> {
    let started = Instant::now();
    let generated = stablemint_codegen::generate(spec)?;
    let files = [
        (outputs[0], &generated.client),
        (outputs[1], &generated.operations),
    ];
    if check {
        let mut stale = Vec::new();
        for (out, text) in files {
            if let Some(diff) = diff::stale_diff(out, text)? {
                eprintln!("{diff}");
                stale.push(out.display().to_string());
            }
        }
        if !stale.is_empty() {
            anyhow::bail!(
                "{} out of date; run `cargo xtask gen` and commit the result",
                stale.join(" and ")
            );
        }
    }
    for (out, text) in files {
        let shown = out.strip_prefix(root).unwrap_or(out);
        if check {
            println!("{} is up to date", shown.display());
        } else if diff::write_if_changed(out, text)? {
            println!("wrote {}", shown.display());
        } else {
            println!("unchanged {}", shown.display());
        }
    }
    println!("took {} ms", started.elapsed().as_millis());
    Ok(())
}
