//! `cargo xtask bump patch|minor|major`: moves every version a release must move at
//! once, so that what `cargo xtask diff --check-versions` accepts is what cargo builds.
//!
//! The crates inherit `[workspace.package] version`, and the workspace's own
//! dependencies on them (`[workspace.dependencies] stablemint-raw = { path = ..., version
//! = ... }`) carry a requirement that must accept it: both move, and `Cargo.lock`
//! follows.

use std::path::Path;
use std::process::Command;

use anyhow::Context;
use semver::Version;
use stablemint_diff::{Manifest, WORKSPACE_MANIFEST, bumped, path_requirements, workspace_version};

/// How far to move.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Level {
    /// 0.1.3 to 0.1.4: compatible fixes and additions.
    Patch,
    /// 0.1.3 to 0.2.0: what a breaking change needs while the crates are 0.x.
    Minor,
    /// 0.1.3 to 1.0.0.
    Major,
}

/// The version after `from` at `level`.
pub fn next(from: &Version, level: Level) -> Version {
    match level {
        Level::Patch => Version::new(from.major, from.minor, from.patch + 1),
        Level::Minor => Version::new(from.major, from.minor + 1, 0),
        Level::Major => Version::new(from.major + 1, 0, 0),
    }
}

/// Moves the workspace of the manifest at `path` to the next version at `level`, or to
/// `to`.
pub fn run(path: &Path, level: Option<Level>, to: Option<Version>) -> anyhow::Result<()> {
    let root = path.parent().unwrap_or(Path::new("."));
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read the file", path.display()))?;
    let manifest = Manifest {
        file: WORKSPACE_MANIFEST,
        text: &text,
    };
    let from = workspace_version(manifest).map_err(anyhow::Error::msg)?;
    let to = match (level, to) {
        (_, Some(to)) => to,
        (Some(level), None) => next(&from.version, level),
        (None, None) => anyhow::bail!("say how far to move: patch, minor, major, or --to VERSION"),
    };
    if to <= from.version {
        anyhow::bail!(
            "{to} is not after {} ({WORKSPACE_MANIFEST}:{}); a release moves forward",
            from.version,
            from.line
        );
    }
    let requirements = path_requirements(manifest).map_err(anyhow::Error::msg)?;
    let moved = bumped(manifest, &to).map_err(anyhow::Error::msg)?;
    std::fs::write(path, moved).with_context(|| format!("{}: cannot write", path.display()))?;
    println!(
        "{} -> {to}: {WORKSPACE_MANIFEST}:{} (workspace.package.version) and {} requirement{} on \
         the workspace's crates ({})",
        from.version,
        from.line,
        requirements.len(),
        if requirements.len() == 1 { "" } else { "s" },
        requirements
            .iter()
            .map(|r| format!("{}:{}", r.name, r.line))
            .collect::<Vec<_>>()
            .join(", ")
    );
    // Cargo.lock records the workspace's own versions too.
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(if root.as_os_str().is_empty() {
            Path::new(".")
        } else {
            root
        })
        .args(["update", "--workspace", "--offline", "--quiet"])
        .status()
        .context("cannot run cargo to update Cargo.lock")?;
    if !status.success() {
        anyhow::bail!("the versions moved, but `cargo update --workspace` failed; run it yourself");
    }
    println!("Cargo.lock updated");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels() {
        let v = |s| Version::parse(s).unwrap();
        assert_eq!(next(&v("0.1.3"), Level::Patch), v("0.1.4"));
        assert_eq!(next(&v("0.1.3"), Level::Minor), v("0.2.0"));
        assert_eq!(next(&v("0.1.3"), Level::Major), v("1.0.0"));
    }
}
