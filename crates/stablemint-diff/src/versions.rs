//! The crate versions that a spec change needs.
//!
//! `stablemint-raw` and `stablemint` are generated from the spec, so a change of the
//! spec is a change of their API. The worst change decides the bump, by Cargo's
//! semver rules: a breaking change, or a possibly-breaking one that no maintainer has
//! accepted, needs a semver-incompatible version (0.1.3 to 0.2.0 while the crates are
//! 0.x, 1.4.2 to 2.0.0 after); any other change at least a patch (0.1.3 to 0.1.4). A
//! change that breaks only the callers of `stablemint-raw` (see
//! [`Rule::raw`](crate::rules::Rule::raw)) needs the incompatible bump for that crate
//! alone.

use std::ops::Range;

use semver::Version;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::{Change, Level, Report, rules};

/// The crates whose versions follow the spec, with their manifests' paths in the
/// repository.
pub const CRATES: [(&str, &str); 2] = [
    ("stablemint-raw", "crates/stablemint-raw/Cargo.toml"),
    ("stablemint", "crates/stablemint/Cargo.toml"),
];

/// The workspace's manifest, where a crate's `version.workspace = true` leads.
pub const WORKSPACE_MANIFEST: &str = "Cargo.toml";

/// How far a version must move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bump {
    /// Not at all: the spec did not change.
    None,
    /// At least a patch version.
    Patch,
    /// To a version that Cargo does not take as compatible: the minor version while at
    /// 0.x, the major version from 1.0.
    Incompatible,
}

impl Bump {
    /// The smallest version after `from` that makes this bump.
    pub fn minimum(self, from: &Version) -> Version {
        let (major, minor, patch) = (from.major, from.minor, from.patch);
        match self {
            Bump::None => Version::new(major, minor, patch),
            Bump::Patch => Version::new(major, minor, patch + 1),
            Bump::Incompatible if major > 0 => Version::new(major + 1, 0, 0),
            Bump::Incompatible if minor > 0 => Version::new(0, minor + 1, 0),
            // 0.0.x: every version is incompatible with every other.
            Bump::Incompatible => Version::new(0, 0, patch + 1),
        }
    }
}

impl Report {
    /// The bump these changes need for `stablemint`, or with `raw` for
    /// `stablemint-raw`, and the first change that needs it.
    pub fn bump(&self, raw: bool) -> (Bump, Option<&Change>) {
        let needs = |c: &Change| {
            let breaks_raw = raw && rules::rule(c.id).is_some_and(|r| r.raw.is_some());
            match c.level {
                _ if breaks_raw => Bump::Incompatible,
                Level::Breaking => Bump::Incompatible,
                Level::PossiblyBreaking if c.accepted.is_none() => Bump::Incompatible,
                _ => Bump::Patch,
            }
        };
        self.changes
            .iter()
            .map(|c| (needs(c), Some(c)))
            .fold((Bump::None, None), |worst, next| {
                if next.0 > worst.0 { next } else { worst }
            })
    }
}

/// A crate's version as its manifest declares it, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    /// The version.
    pub version: Version,
    /// The manifest that holds it: the crate's, or the workspace's when inherited.
    pub file: String,
    /// Its 1-based line there.
    pub line: usize,
}

/// One manifest: its path (for messages) and its text.
#[derive(Debug, Clone, Copy)]
pub struct Manifest<'a> {
    /// Its path in the repository.
    pub file: &'a str,
    /// Its text.
    pub text: &'a str,
}

/// The version `crate_manifest` declares for its package, following
/// `version.workspace = true` to `workspace`'s `[workspace.package]`.
pub fn declared(crate_manifest: Manifest<'_>, workspace: Manifest<'_>) -> Result<Declared, String> {
    let table = parse(crate_manifest)?;
    let version = find(&table, &["package", "version"])
        .ok_or_else(|| format!("{}: no `package.version`", crate_manifest.file))?;
    match version.get_ref() {
        DeValue::Table(inherit) if find(inherit, &["workspace"]).is_some() => {
            let root = parse(workspace)?;
            let version = find(&root, &["workspace", "package", "version"]).ok_or_else(|| {
                format!(
                    "{}: `version.workspace = true`, but {} has no `workspace.package.version`",
                    crate_manifest.file, workspace.file
                )
            })?;
            read(version, workspace)
        }
        _ => read(version, crate_manifest),
    }
}

fn parse(manifest: Manifest<'_>) -> Result<DeTable<'_>, String> {
    DeTable::parse(manifest.text)
        .map(Spanned::into_inner)
        .map_err(|e| format!("{}: not valid TOML: {}", manifest.file, e.message()))
}

fn find<'t, 'i>(table: &'t DeTable<'i>, path: &[&str]) -> Option<&'t Spanned<DeValue<'i>>> {
    let (first, rest) = path.split_first()?;
    let value = table
        .iter()
        .find(|(key, _)| key.get_ref().as_ref() == *first)
        .map(|(_, value)| value)?;
    match (rest.is_empty(), value.get_ref()) {
        (true, _) => Some(value),
        (false, DeValue::Table(inner)) => find(inner, rest),
        (false, _) => None,
    }
}

fn read(value: &Spanned<DeValue<'_>>, manifest: Manifest<'_>) -> Result<Declared, String> {
    let line = line_of(manifest.text, value.span());
    let DeValue::String(text) = value.get_ref() else {
        return Err(format!(
            "{}:{line}: the version is not a string",
            manifest.file
        ));
    };
    let version = Version::parse(text).map_err(|e| {
        format!(
            "{}:{line}: version {text:?} is not semver: {e}",
            manifest.file
        )
    })?;
    Ok(Declared {
        version,
        file: manifest.file.to_owned(),
        line,
    })
}

fn line_of(text: &str, span: Range<usize>) -> usize {
    text.get(..span.start)
        .map_or(1, |before| before.matches('\n').count() + 1)
}

/// A `[workspace.dependencies]` entry on a crate of the workspace (it has a `path`)
/// whose `version` requirement does not accept that crate's version: cargo would fail to
/// resolve it ("failed to select a version for the requirement"), so the bump that moved
/// the crate left it behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftBehind {
    /// The dependency's name.
    pub name: String,
    /// Its requirement, as written.
    pub requirement: String,
    /// The version of the crate at its path, which the requirement must accept.
    pub version: Version,
    /// The manifest that holds the requirement.
    pub file: String,
    /// Its 1-based line there.
    pub line: usize,
}

/// One `[workspace.dependencies]` entry with a `path` and a `version`: a crate of the
/// workspace, as its members depend on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathRequirement {
    /// The dependency's name.
    pub name: String,
    /// Its `path`, relative to the workspace's manifest.
    pub path: String,
    /// Its `version` requirement, as written.
    pub requirement: String,
    /// The byte range of the requirement's text (inside the quotes) in the manifest.
    pub span: Range<usize>,
    /// Its 1-based line.
    pub line: usize,
}

/// Every `[workspace.dependencies]` entry of `workspace` that has both a `path` and a
/// `version`, in the order written.
pub fn path_requirements(workspace: Manifest<'_>) -> Result<Vec<PathRequirement>, String> {
    let root = parse(workspace)?;
    let Some(dependencies) = find(&root, &["workspace", "dependencies"]) else {
        return Ok(Vec::new());
    };
    let DeValue::Table(dependencies) = dependencies.get_ref() else {
        return Err(format!(
            "{}: `workspace.dependencies` is not a table",
            workspace.file
        ));
    };
    let mut out = Vec::new();
    for (name, entry) in dependencies {
        let DeValue::Table(entry) = entry.get_ref() else {
            continue;
        };
        let (Some(path), Some(version)) = (find(entry, &["path"]), find(entry, &["version"]))
        else {
            continue;
        };
        let (DeValue::String(path), DeValue::String(requirement)) =
            (path.get_ref(), version.get_ref())
        else {
            continue;
        };
        // The span covers the quotes; the text between them is the requirement.
        let span = version.span();
        out.push(PathRequirement {
            name: name.get_ref().to_string(),
            path: path.to_string(),
            requirement: requirement.to_string(),
            span: span.start + 1..span.end - 1,
            line: line_of(workspace.text, span),
        });
    }
    Ok(out)
}

/// The requirements of `workspace` that do not accept the version of their crate, which
/// `version_at(path)` gives (a crate's manifest read at its path).
pub fn left_behind(
    workspace: Manifest<'_>,
    version_at: impl Fn(&str) -> Result<Version, String>,
) -> Result<Vec<LeftBehind>, String> {
    let mut out = Vec::new();
    for requirement in path_requirements(workspace)? {
        let version = version_at(&requirement.path)?;
        let accepts = semver::VersionReq::parse(&requirement.requirement)
            .map_err(|e| {
                format!(
                    "{}:{}: the requirement {:?} of `{}` is not semver: {e}",
                    workspace.file, requirement.line, requirement.requirement, requirement.name
                )
            })?
            .matches(&version);
        if !accepts {
            out.push(LeftBehind {
                name: requirement.name,
                requirement: requirement.requirement,
                version,
                file: workspace.file.to_owned(),
                line: requirement.line,
            });
        }
    }
    Ok(out)
}

/// The version `workspace` declares in `[workspace.package]`, which its crates inherit.
pub fn workspace_version(workspace: Manifest<'_>) -> Result<Declared, String> {
    let root = parse(workspace)?;
    let version = find(&root, &["workspace", "package", "version"])
        .ok_or_else(|| format!("{}: no `workspace.package.version`", workspace.file))?;
    read(version, workspace)
}

/// `workspace`'s text with its `[workspace.package]` version and the version of every
/// `[workspace.dependencies]` entry with a `path` set to `to`: what `cargo xtask bump`
/// writes. Formatting and comments are kept.
pub fn bumped(workspace: Manifest<'_>, to: &Version) -> Result<String, String> {
    let root = parse(workspace)?;
    let package = find(&root, &["workspace", "package", "version"])
        .ok_or_else(|| format!("{}: no `workspace.package.version` to move", workspace.file))?;
    let span = package.span();
    let package_span = span.start + 1..span.end - 1;
    let mut edits: Vec<Range<usize>> = path_requirements(workspace)?
        .into_iter()
        .map(|r| r.span)
        .collect();
    edits.push(package_span);
    edits.sort_by_key(|range| std::cmp::Reverse(range.start));
    let mut text = workspace.text.to_owned();
    let to = to.to_string();
    for range in edits {
        text.replace_range(range, &to);
    }
    Ok(text)
}

/// The verdict on one crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateVersion {
    /// The crate.
    pub name: String,
    /// Its version at the base revision.
    pub before: Version,
    /// Its version in the working tree, and where that is declared.
    pub after: Declared,
    /// The bump the changes need.
    pub needs: Bump,
    /// The first change that needs it, as `id at operation`.
    pub because: Option<String>,
}

impl CrateVersion {
    /// The smallest version that is enough.
    pub fn minimum(&self) -> Version {
        self.needs.minimum(&self.before)
    }

    /// Whether the version in the working tree is enough. A pre-release counts as its
    /// release: 0.2.0-rc.1 is a bump to 0.2.
    pub fn ok(&self) -> bool {
        let triple = |v: &Version| (v.major, v.minor, v.patch);
        self.needs == Bump::None || triple(&self.after.version) >= triple(&self.minimum())
    }
}

/// `cargo xtask diff --check-versions`: each crate's verdict against a base revision,
/// and the requirements a bump left behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionCheck {
    /// The base revision.
    pub since: String,
    /// One verdict per crate of [`CRATES`].
    pub crates: Vec<CrateVersion>,
    /// The workspace's requirements on its own crates that no longer accept their
    /// versions (see [`left_behind`]).
    pub left_behind: Vec<LeftBehind>,
}

impl VersionCheck {
    /// The verdicts for `report`'s changes, from each crate's version at `since`
    /// (before) and in the working tree (after), in the order of [`CRATES`].
    pub fn new(
        report: &Report,
        since: &str,
        versions: Vec<(Declared, Declared)>,
        left_behind: Vec<LeftBehind>,
    ) -> Self {
        let crates = CRATES
            .iter()
            .zip(versions)
            .map(|((name, _), (before, after))| {
                let (needs, change) = report.bump(*name == "stablemint-raw");
                CrateVersion {
                    name: (*name).to_owned(),
                    before: before.version,
                    after,
                    needs,
                    because: change.map(|c| match &c.location.operation {
                        Some(op) => format!("{} at {op}", c.id),
                        None => c.id.to_owned(),
                    }),
                }
            })
            .collect();
        Self {
            since: since.to_owned(),
            crates,
            left_behind,
        }
    }

    /// Whether every crate's version is enough, and cargo can resolve every
    /// requirement of the workspace on its own crates.
    pub fn ok(&self) -> bool {
        self.crates.iter().all(CrateVersion::ok) && self.left_behind.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimum_versions() {
        let v = |s: &str| Version::parse(s).unwrap();
        assert_eq!(Bump::Patch.minimum(&v("0.1.3")), v("0.1.4"));
        assert_eq!(Bump::Incompatible.minimum(&v("0.1.3")), v("0.2.0"));
        assert_eq!(Bump::Incompatible.minimum(&v("1.4.2")), v("2.0.0"));
        assert_eq!(Bump::Incompatible.minimum(&v("0.0.7")), v("0.0.8"));
        assert_eq!(Bump::None.minimum(&v("0.1.3")), v("0.1.3"));
    }

    #[test]
    fn declared_versions_literal_and_inherited() {
        let root = Manifest {
            file: "Cargo.toml",
            text: "[workspace]\nmembers = []\n\n[workspace.package]\nedition = \"2024\"\nversion = \"0.3.1\"\n",
        };
        let inherited = Manifest {
            file: "crates/a/Cargo.toml",
            text: "[package]\nname = \"a\"\nversion.workspace = true\n",
        };
        assert_eq!(
            declared(inherited, root),
            Ok(Declared {
                version: Version::new(0, 3, 1),
                file: "Cargo.toml".into(),
                line: 6
            })
        );
        let table_form = Manifest {
            file: "crates/a/Cargo.toml",
            text: "[package]\nname = \"a\"\nversion = { workspace = true }\n",
        };
        assert_eq!(
            declared(table_form, root).unwrap().version,
            Version::new(0, 3, 1)
        );
        let literal = Manifest {
            file: "crates/b/Cargo.toml",
            text: "[package]\nname = \"b\"\n\nversion = \"1.2.3-rc.1\"\n",
        };
        let found = declared(literal, root).unwrap();
        assert_eq!(
            (found.file.as_str(), found.line),
            ("crates/b/Cargo.toml", 4)
        );
        assert_eq!(found.version, Version::parse("1.2.3-rc.1").unwrap());
    }

    const WORKSPACE: &str = "[workspace]\nmembers = [\"crates/*\"]\n\n\
        [workspace.package]\nversion = \"0.1.0\" # the release\n\n\
        [workspace.dependencies]\n\
        a = { path = \"crates/a\", version = \"0.1.0\" }\n\
        b = { path = \"crates/b\", version = \"=0.1.0\", default-features = false }\n\
        c = { path = \"crates/c\" }\n\
        serde = { version = \"1\" }\n\
        [workspace.dependencies.d]\npath = \"crates/d\"\nversion = \"0.1\"\n";

    #[test]
    fn requirements_on_the_workspace_crates_are_found_with_their_lines() {
        let root = Manifest {
            file: "Cargo.toml",
            text: WORKSPACE,
        };
        let found: Vec<(String, String, String, usize)> = path_requirements(root)
            .unwrap()
            .into_iter()
            .map(|r| {
                assert_eq!(&WORKSPACE[r.span.clone()], r.requirement);
                (r.name, r.path, r.requirement, r.line)
            })
            .collect();
        let row = |n: &str, p: &str, r: &str, l| (n.to_owned(), p.to_owned(), r.to_owned(), l);
        assert_eq!(
            found,
            [
                row("a", "crates/a", "0.1.0", 8),
                row("b", "crates/b", "=0.1.0", 9),
                row("d", "crates/d", "0.1", 14),
            ]
        );
    }

    #[test]
    fn a_bump_that_leaves_a_requirement_behind_is_found_and_bumped_moves_them_all() {
        let root = Manifest {
            file: "Cargo.toml",
            text: WORKSPACE,
        };
        let at = |v: &'static str| move |_: &str| Ok(Version::parse(v).unwrap());
        assert_eq!(left_behind(root, at("0.1.0")), Ok(vec![]));
        // A patch: `0.1.0` and `0.1` still accept it, `=0.1.0` does not.
        let names = |found: Vec<LeftBehind>| found.into_iter().map(|l| l.name).collect::<Vec<_>>();
        assert_eq!(names(left_behind(root, at("0.1.1")).unwrap()), ["b"]);
        assert_eq!(
            names(left_behind(root, at("0.2.0")).unwrap()),
            ["a", "b", "d"]
        );

        let to = Version::new(0, 2, 0);
        let text = bumped(root, &to).unwrap();
        assert!(text.contains("version = \"0.2.0\" # the release"), "{text}");
        assert!(text.contains("a = { path = \"crates/a\", version = \"0.2.0\" }"));
        assert!(text.contains("version = \"0.2.0\", default-features = false"));
        assert!(text.contains("serde = { version = \"1\" }"));
        assert!(
            text.contains("[workspace.dependencies.d]\npath = \"crates/d\"\nversion = \"0.2.0\"\n")
        );
        let moved = Manifest {
            file: "Cargo.toml",
            text: &text,
        };
        assert_eq!(left_behind(moved, at("0.2.0")), Ok(vec![]));
    }

    #[test]
    fn broken_manifests_are_errors_that_name_the_file() {
        let root = Manifest {
            file: "Cargo.toml",
            text: "[workspace]\n",
        };
        let manifest = |text| Manifest {
            file: "crates/a/Cargo.toml",
            text,
        };
        let error = |text| declared(manifest(text), root).unwrap_err();
        assert!(error("[package").starts_with("crates/a/Cargo.toml: not valid TOML: "));
        assert_eq!(
            error("[package]\nname = \"a\"\n"),
            "crates/a/Cargo.toml: no `package.version`"
        );
        assert_eq!(
            error("[package]\nversion = 3\n"),
            "crates/a/Cargo.toml:2: the version is not a string"
        );
        assert!(
            error("[package]\nversion = \"1.x\"\n")
                .starts_with("crates/a/Cargo.toml:2: version \"1.x\" is not semver: ")
        );
        assert_eq!(
            error("[package]\nversion.workspace = true\n"),
            "crates/a/Cargo.toml: `version.workspace = true`, but Cargo.toml has no \
             `workspace.package.version`"
        );
    }
}
