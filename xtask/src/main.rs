//! `cargo xtask`: the project's own tasks.
//!
//! - `cargo xtask gen [--check] [--spec PATH] [--out PATH] [--operations-out PATH]`
//!   regenerates `crates/stablemint-raw/src/generated.rs` (the raw client) and
//!   `crates/stablemint/src/operations.rs` (the per-operation methods of
//!   `stablemint::Client`) from `openapi/stablemint.yaml`, and prints a one-line summary
//!   of the spec's changes since `HEAD` when there are any.
//! - `cargo xtask tables [--check]` regenerates the validator's country and currency
//!   tables from the data committed under `crates/stablemint-validate/data/`.
//! - `cargo xtask diff [--base REV|PATH] [--spec PATH]
//!   [--format text|json|markdown|github] [--fail-on breaking|possibly-breaking]
//!   [--accepted PATH] [--check-versions]` classifies the changes from a base spec to
//!   the spec (see `stablemint_diff`), marks those accepted in
//!   `openapi/accepted-changes.yaml`, and checks the crate versions they need.
//!
//! - `cargo xtask bump patch|minor|major` (or `--to VERSION`) moves the crates' version
//!   and every requirement of the workspace on them, and updates Cargo.lock.
//!
//! With `--check` nothing is written: a difference is printed as a unified diff and the
//! exit code is 1. CI runs both checks.

mod bump;
mod diff;
mod tables;
mod write;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

/// The project's tasks. Exit codes: 0 done (or up to date), 1 out of date or failed (for
/// `diff`: `--fail-on` reached), 2 a spec or revision that cannot be read (`diff`) or a
/// usage error.
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
    /// Classify the changes from a base spec to the spec: breaking, possibly breaking,
    /// non-breaking. Exit codes: 0; 1 when `--fail-on` is reached by a change that is
    /// not accepted, or an accepted entry is stale, or `--check-versions` finds a version
    /// too low; 2 when a spec, the revision, the accepted file or a manifest cannot be
    /// read.
    Diff(diff::Options),
    /// Move the crates to a new version: `[workspace.package] version`, every
    /// requirement of `[workspace.dependencies]` on a crate of the workspace, and
    /// Cargo.lock, together.
    Bump {
        /// How far: patch (0.1.3 -> 0.1.4), minor (-> 0.2.0, a breaking change while at
        /// 0.x) or major (-> 1.0.0).
        #[arg(value_enum, required_unless_present = "to")]
        level: Option<bump::Level>,
        /// Move to this version instead.
        #[arg(long, value_name = "VERSION", conflicts_with = "level")]
        to: Option<semver::Version>,
        /// The workspace's manifest, instead of this repository's Cargo.toml.
        #[arg(long, value_name = "PATH")]
        manifest: Option<PathBuf>,
    },
}

/// Why a task failed, and the exit code that says so.
pub struct TaskError {
    code: u8,
    error: anyhow::Error,
}

impl TaskError {
    /// Input that cannot be read: a missing file, a spec that does not parse, an unknown
    /// revision. Exit code 2.
    pub fn input(message: String) -> Self {
        Self {
            code: 2,
            error: anyhow::anyhow!(message),
        }
    }
}

impl From<anyhow::Error> for TaskError {
    fn from(error: anyhow::Error) -> Self {
        Self { code: 1, error }
    }
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
            let spec = spec.unwrap_or_else(|| root.join(diff::SPEC_IN_REPO));
            // A custom client path keeps the operations beside it, so that a run on a
            // scratch spec never overwrites the repository's files.
            let operations_out = operations_out.unwrap_or_else(|| match &out {
                Some(out) => out.with_file_name("operations.rs"),
                None => root.join("crates/stablemint/src/operations.rs"),
            });
            let out = out.unwrap_or_else(|| root.join("crates/stablemint-raw/src/generated.rs"));
            gen_client(&root, &spec, &[&out, &operations_out], check)
                .map(|()| 0)
                .map_err(TaskError::from)
        }
        Task::Tables { check } => tables::run(&root, check)
            .map(|()| 0)
            .map_err(TaskError::from),
        Task::Diff(options) => diff::run(&root, options),
        Task::Bump {
            level,
            to,
            manifest,
        } => bump::run(
            &manifest.unwrap_or_else(|| root.join("Cargo.toml")),
            level,
            to,
        )
        .map(|()| 0)
        .map_err(TaskError::from),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            eprintln!("error: {:#}", failure.error);
            ExitCode::from(failure.code)
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
            if let Some(difference) = write::stale_diff(out, text)? {
                eprintln!("{difference}");
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
        } else if write::write_if_changed(out, text)? {
            println!("wrote {}", shown.display());
        } else {
            println!("unchanged {}", shown.display());
        }
    }
    println!("took {} ms", started.elapsed().as_millis());
    if let Some(summary) = diff::summary_since_head(spec) {
        println!("{summary}");
    }
    Ok(())
}
