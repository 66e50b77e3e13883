//! `cargo xtask diff`: the classified changes from a base spec (a file or a git
//! revision) to the spec, and the one-line summary that `cargo xtask gen` prints.

use std::path::{Path, PathBuf};
use std::process::Command;

use stablemint_diff::{self as changes, Level, Side};

use crate::Failure;

/// The spec's place in its repository: what `--base REV` and `gen` read from git.
pub const SPEC_IN_REPO: &str = "openapi/stablemint.yaml";

/// How the report is printed.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// Grouped by level, worst first, for a reviewer.
    Text,
    /// `{"changes": [{"id", "level", "location": {"operation", "pointer"}, "message"}]}`.
    Json,
}

/// The level from which `--fail-on` exits 1.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum FailOn {
    /// Exit 1 when any change is breaking.
    Breaking,
    /// Exit 1 when any change is breaking or possibly breaking.
    PossiblyBreaking,
}

impl FailOn {
    fn level(self) -> Level {
        match self {
            FailOn::Breaking => Level::Breaking,
            FailOn::PossiblyBreaking => Level::PossiblyBreaking,
        }
    }
}

/// Runs `cargo xtask diff`; the exit code is 1 when `fail_on` is reached, 0 otherwise.
/// A spec that cannot be read or parsed fails with exit code 2.
pub fn run(
    root: &Path,
    base: Option<&str>,
    spec: Option<PathBuf>,
    format: Format,
    fail_on: Option<FailOn>,
) -> Result<u8, Failure> {
    let spec = spec.unwrap_or_else(|| root.join(SPEC_IN_REPO));
    let spec_name = shown(root, &spec);
    let head = std::fs::read_to_string(&spec)
        .map_err(|e| Failure::input(format!("{spec_name}: cannot read the file: {e}")))?;
    let (base_text, base_name) = match base {
        Some(path) if Path::new(path).is_file() => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Failure::input(format!("{path}: cannot read the file: {e}")))?;
            (text, path.to_owned())
        }
        revision => {
            let revision = revision.unwrap_or("HEAD");
            let (relative, text) = git_show(&spec, revision).map_err(Failure::input)?;
            (text, format!("{relative} at {revision}"))
        }
    };
    let report = changes::classify(&base_text, &head).map_err(|e| {
        let name = match e.side() {
            Side::Base => &base_name,
            Side::Head => &spec_name,
        };
        Failure::input(format!("{name}: {}", e.problem()))
    })?;
    match format {
        Format::Text => {
            println!("Changes from {base_name} to {spec_name}\n");
            print!("{}", report.to_text());
        }
        Format::Json => print!("{}", report.to_json()),
    }
    let failed = fail_on.is_some_and(|f| report.worst().is_some_and(|w| w >= f.level()));
    Ok(u8::from(failed))
}

/// The summary line for `cargo xtask gen`, when `spec` is the project's spec file
/// (`openapi/stablemint.yaml` in its git repository) and differs from `HEAD`'s. `None`
/// when it is another file, git is unavailable, `HEAD` has no such file, or either spec
/// does not parse.
pub fn summary_since_head(spec: &Path) -> Option<String> {
    let (relative, base) = git_show(spec, "HEAD").ok()?;
    if relative != SPEC_IN_REPO {
        return None;
    }
    let head = std::fs::read_to_string(spec).ok()?;
    if head == base {
        return None;
    }
    let report = changes::classify(&base, &head).ok()?;
    Some(report.summary("HEAD"))
}

/// The file at `spec` as committed in `revision`, with its path in the repository.
fn git_show(spec: &Path, revision: &str) -> Result<(String, String), String> {
    let spec = spec
        .canonicalize()
        .map_err(|e| format!("{}: cannot read the file: {e}", spec.display()))?;
    let dir = spec.parent().unwrap_or(Path::new("."));
    let top = git(dir, &["rev-parse", "--show-toplevel"]).map_err(|e| {
        format!(
            "cannot read the base spec from git revision `{revision}` ({e}); \
             pass `--base PATH` to compare with a file"
        )
    })?;
    let top = PathBuf::from(top.trim_end())
        .canonicalize()
        .map_err(|e| format!("cannot find the git repository: {e}"))?;
    let relative = spec
        .strip_prefix(&top)
        .map_err(|_| format!("{} is outside the git repository", spec.display()))?
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    let text = git(&top, &["show", &format!("{revision}:{relative}")])
        .map_err(|e| format!("{relative} at {revision}: {e}"))?;
    Ok((relative, text))
}

/// Runs git in `dir`; its standard output, or the first line of its complaint.
fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if output.status.success() {
        String::from_utf8(output.stdout).map_err(|_| "not UTF-8 text".to_owned())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        Err(stderr
            .lines()
            .next()
            .unwrap_or("git failed")
            .trim()
            .to_owned())
    }
}

/// A path as the user reads it: relative to the workspace when inside it.
fn shown(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}
