//! `cargo xtask diff`: the classified changes from a base spec (a file or a git
//! revision) to the spec, with the accepted changes marked and, on request, the crate
//! versions they need; and the one-line summary that `cargo xtask gen` prints.

use std::path::{Path, PathBuf};
use std::process::Command;

use stablemint_diff::{
    Accepted, CRATES, Declared, Level, Manifest, Report, Side, Source, VersionCheck,
    WORKSPACE_MANIFEST, classify, declared, left_behind,
};

use crate::TaskError;

/// The spec's place in its repository: what `--base REV` and `gen` read from git.
pub const SPEC_IN_REPO: &str = "openapi/stablemint.yaml";

/// The accepted-changes file's name; it sits beside the spec.
const ACCEPTED_NAME: &str = "accepted-changes.yaml";

/// How the report is printed.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// Grouped by level, worst first, for a reviewer.
    Text,
    /// One JSON object: `changes` (each with its id, level, fingerprint, location with
    /// file and line, message and acceptance), `stale` and, when checked, `versions`.
    Json,
    /// A changelog section grouped by level, for a pull request or CHANGELOG.md.
    Markdown,
    /// One GitHub Actions annotation per change, on its line of the spec.
    Github,
}

impl From<Format> for stablemint_diff::Format {
    fn from(format: Format) -> Self {
        match format {
            Format::Text => Self::Text,
            Format::Json => Self::Json,
            Format::Markdown => Self::Markdown,
            Format::Github => Self::Github,
        }
    }
}

/// The level from which `--fail-on` exits 1.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum FailOn {
    /// Exit 1 when any change that is not accepted is breaking.
    Breaking,
    /// Exit 1 when any change that is not accepted is breaking or possibly breaking.
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

/// What `cargo xtask diff` was asked.
#[derive(clap::Args)]
pub struct Options {
    /// The base: a file, if one exists at that path, or else a git commit (a branch,
    /// a tag, a hash) whose spec is compared [default: HEAD]. Anything else (an empty
    /// value, a name git does not know, the index) is an error, never a silent
    /// comparison with something else.
    #[arg(long, value_name = "REV|PATH", conflicts_with = "since_release")]
    pub base: Option<String>,
    /// Compare with the last release: the newest tag named `v<digits>...` that `HEAD`
    /// descends from or, before the first release, the commit where `HEAD` left the main
    /// branch (the merge base with `origin/main`, else `main`). The base it took is
    /// printed with the changes.
    #[arg(long)]
    pub since_release: bool,
    /// The spec to review, instead of openapi/stablemint.yaml.
    #[arg(long, value_name = "PATH")]
    pub spec: Option<PathBuf>,
    /// How to print the changes.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Exit 1 when any change that is not accepted is at this level or worse, or when
    /// an accepted entry matches no change.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailOn>,
    /// The accepted changes, instead of accepted-changes.yaml beside the spec (which
    /// may be absent).
    #[arg(long, value_name = "PATH")]
    pub accepted: Option<PathBuf>,
    /// Check that the versions of stablemint-raw and stablemint moved from the base
    /// revision as the changes need, and that every version that must move with them
    /// did; exit 1 naming the versions required if not.
    #[arg(long)]
    pub check_versions: bool,
    /// Report accepted entries that match no change, but do not exit 1 for them: for a
    /// gate on every commit, where changes accepted in earlier commits are not in the
    /// base-to-head diff (the accepted file is written against the last release).
    #[arg(long)]
    pub ignore_stale: bool,
}

/// Runs `cargo xtask diff`. The exit code is 1 when `--fail-on` is reached by a change
/// that is not accepted or there is a stale accepted entry, or when `--check-versions`
/// finds a version too low; 0 otherwise. Input that cannot be read (a spec, a revision,
/// the accepted file, a manifest) fails with exit code 2.
pub fn run(root: &Path, options: Options) -> Result<u8, TaskError> {
    let spec = options.spec.unwrap_or_else(|| root.join(SPEC_IN_REPO));
    let spec_name = shown(root, &spec);
    let head = std::fs::read_to_string(&spec)
        .map_err(|e| TaskError::input(format!("{spec_name}: cannot read the file: {e}")))?;
    let base_file = options.base.as_deref().filter(|b| Path::new(b).is_file());
    let (base_text, base_name, revision) = match (base_file, options.base.as_deref()) {
        (Some(path), _) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| TaskError::input(format!("{path}: cannot read the file: {e}")))?;
            (text, path.to_owned(), None)
        }
        (None, given) => {
            let repo = Repository::of(&spec, given.unwrap_or("HEAD")).map_err(TaskError::input)?;
            let revision = match (given, options.since_release) {
                (_, true) => repo.last_release().map_err(TaskError::input)?,
                (Some(given), false) => repo.commit(given).map_err(TaskError::input)?,
                (None, false) => "HEAD".to_owned(),
            };
            let text = repo.show(&revision, &repo.spec).map_err(TaskError::input)?;
            (text, repo.spec.clone(), Some((revision, repo)))
        }
    };
    let accepted = read_accepted(root, &spec, options.accepted.as_deref())?;

    let base = Source::new(&base_name, &base_text);
    let base = match &revision {
        Some((rev, _)) => base.at(rev),
        None => base,
    };
    let mut report = classify(base, Source::new(&spec_name, &head)).map_err(|e| {
        let name = match (e.side(), &revision) {
            (Side::Base, Some((rev, _))) => format!("{base_name} at {rev}"),
            (Side::Base, None) => base_name.clone(),
            (Side::Head, _) => spec_name.clone(),
        };
        TaskError::input(format!("{name}: {}", e.problem()))
    })?;
    report.accept(&accepted);

    let versions = match (options.check_versions, &revision) {
        (false, _) => None,
        (true, Some((rev, repo))) => Some(check_versions(repo, rev, &report)?),
        (true, None) => {
            return Err(TaskError::input(
                "--check-versions compares the crate versions with a git revision; pass \
                 `--base REV`, not a file"
                    .to_owned(),
            ));
        }
    };
    print!(
        "{}",
        report.render(options.format.into(), versions.as_ref())
    );
    let fail_on = options.fail_on.is_some_and(|f| {
        report.worst_unaccepted().is_some_and(|w| w >= f.level())
            || (!report.stale.is_empty() && !options.ignore_stale)
    });
    let too_low = versions.is_some_and(|v| !v.ok());
    Ok(u8::from(fail_on || too_low))
}

/// The accepted changes: from `path` when given (it must exist), or else from the file
/// beside the spec when there is one.
fn read_accepted(root: &Path, spec: &Path, path: Option<&Path>) -> Result<Accepted, TaskError> {
    let (path, required) = match path {
        Some(path) => (path.to_owned(), true),
        None => (spec.with_file_name(ACCEPTED_NAME), false),
    };
    let name = shown(root, &path);
    match std::fs::read_to_string(&path) {
        Ok(text) => Accepted::parse(&name, &text).map_err(|e| TaskError::input(e.to_string())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => Ok(Accepted::default()),
        Err(e) => Err(TaskError::input(format!(
            "{name}: cannot read the file: {e}; pass the accepted-changes file with \
             `--accepted PATH`, or leave the option out to use {ACCEPTED_NAME} beside the spec"
        ))),
    }
}

/// Each crate's version at `revision` and in the working tree, judged by the changes.
fn check_versions(
    repo: &Repository,
    revision: &str,
    report: &Report,
) -> Result<VersionCheck, TaskError> {
    let at_revision = |path: &str| repo.show(revision, path).map_err(TaskError::input);
    let in_tree = |path: &str| {
        std::fs::read_to_string(repo.top.join(path))
            .map_err(|e| TaskError::input(format!("{path}: cannot read the file: {e}")))
    };
    let judged = |read: &dyn Fn(&str) -> Result<String, TaskError>, label: &str, manifest: &str| {
        let (text, root) = (read(manifest)?, read(WORKSPACE_MANIFEST)?);
        declared(
            Manifest {
                file: manifest,
                text: &text,
            },
            Manifest {
                file: WORKSPACE_MANIFEST,
                text: &root,
            },
        )
        .map_err(|e| TaskError::input(format!("{e}{label}")))
    };
    let mut versions: Vec<(Declared, Declared)> = Vec::new();
    for (_, manifest) in CRATES {
        let before = judged(&at_revision, &format!(" (at {revision})"), manifest)?;
        let after = judged(&in_tree, "", manifest)?;
        versions.push((before, after));
    }
    // What cargo resolves: each requirement of the workspace on its own crates must
    // accept the version of the crate at its path.
    let workspace = in_tree(WORKSPACE_MANIFEST)?;
    let behind = left_behind(
        Manifest {
            file: WORKSPACE_MANIFEST,
            text: &workspace,
        },
        |path| {
            let file = format!("{}/Cargo.toml", path.trim_end_matches('/'));
            let text = std::fs::read_to_string(repo.top.join(&file))
                .map_err(|e| format!("{file}: cannot read the file: {e}"))?;
            let root = Manifest {
                file: WORKSPACE_MANIFEST,
                text: &workspace,
            };
            declared(
                Manifest {
                    file: &file,
                    text: &text,
                },
                root,
            )
            .map(|d| d.version)
        },
    )
    .map_err(TaskError::input)?;
    Ok(VersionCheck::new(report, revision, versions, behind))
}

/// The summary line for `cargo xtask gen`, when `spec` is the project's spec file
/// (`openapi/stablemint.yaml` in its git repository) and differs from `HEAD`'s. `None`
/// when it is another file, git is unavailable, `HEAD` has no such file, or either spec
/// does not parse.
pub fn summary_since_head(spec: &Path) -> Option<String> {
    let repo = Repository::of(spec, "HEAD").ok()?;
    if repo.spec != SPEC_IN_REPO {
        return None;
    }
    let base = repo.show("HEAD", &repo.spec).ok()?;
    let head = std::fs::read_to_string(spec).ok()?;
    if head == base {
        return None;
    }
    let report = classify(
        Source::new(SPEC_IN_REPO, &base).at("HEAD"),
        Source::new(SPEC_IN_REPO, &head),
    )
    .ok()?;
    Some(report.summary("HEAD"))
}

/// The git repository a spec is in.
struct Repository {
    /// Its top directory.
    top: PathBuf,
    /// The spec's path in it, with `/` separators.
    spec: String,
}

impl Repository {
    /// The repository of `spec`; `revision` only names what was asked in the error.
    fn of(spec: &Path, revision: &str) -> Result<Self, String> {
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
        Ok(Self {
            top,
            spec: relative,
        })
    }

    /// `revision` as given, once git confirms it names a commit: an empty value (which
    /// git reads as the index), a name git does not know or an object that is not a
    /// commit is refused, so that a review gate cannot pass by comparing with something
    /// other than what was meant.
    fn commit(&self, revision: &str) -> Result<String, String> {
        if revision.trim().is_empty() || revision.starts_with(':') {
            return Err(format!(
                "--base {revision:?} names no commit (git would read the index); give a \
                 branch, a tag or a commit, or a spec file"
            ));
        }
        git(
            &self.top,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{revision}^{{commit}}"),
            ],
        )
        .map_err(|_| {
            format!(
                "--base `{revision}` is not a commit of this repository, nor a file; give \
                 a branch, a tag or a commit (before the first release, `--since-release` \
                 compares with where this branch left main)"
            )
        })?;
        Ok(revision.to_owned())
    }

    /// The base of `--since-release`: the newest release tag `HEAD` descends from, or
    /// before the first release the merge base with the main branch.
    fn last_release(&self) -> Result<String, String> {
        if let Ok(tag) = git(
            &self.top,
            &[
                "describe",
                "--tags",
                "--abbrev=0",
                "--match",
                "v[0-9]*",
                "HEAD",
            ],
        ) {
            return Ok(tag.trim().to_owned());
        }
        for main in ["origin/main", "main"] {
            if let Ok(base) = git(&self.top, &["merge-base", "HEAD", main]) {
                return Ok(base.trim().to_owned());
            }
        }
        Err(
            "--since-release found no release tag (`v...`) and no `origin/main` or `main` \
             to start from; pass `--base REV`"
                .to_owned(),
        )
    }

    /// The file at `path` (relative to the top) as committed in `revision`.
    fn show(&self, revision: &str, path: &str) -> Result<String, String> {
        git(&self.top, &["show", &format!("{revision}:{path}")])
            .map_err(|e| format!("{path} at {revision}: {e}"))
    }
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
