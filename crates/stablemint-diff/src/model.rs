//! What the classifier reports: changes, their levels and locations, and the report
//! that holds them.

use std::fmt;

use crate::accepted::Entry;

/// How much a change can hurt a caller. Ordered: `NonBreaking < PossiblyBreaking <
/// Breaking`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// No caller breaks.
    NonBreaking,
    /// Some callers may break; read it.
    PossiblyBreaking,
    /// Callers break: on the wire, or at compile time for a Rust caller.
    Breaking,
}

impl Level {
    /// `breaking`, `possibly-breaking` or `non-breaking`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Breaking => "breaking",
            Level::PossiblyBreaking => "possibly-breaking",
            Level::NonBreaking => "non-breaking",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One version of the spec, as [`classify`](crate::classify) reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Source<'a> {
    /// Its path, as reports name it (`openapi/stablemint.yaml`).
    pub file: &'a str,
    /// The git revision it was read from, if it was.
    pub revision: Option<&'a str>,
    /// Its text, YAML or JSON.
    pub text: &'a str,
}

impl<'a> Source<'a> {
    /// The spec `text` of the file `file`, as it is on disk.
    pub fn new(file: &'a str, text: &'a str) -> Self {
        Self {
            file,
            revision: None,
            text,
        }
    }

    /// The same, as read from git at `revision`.
    pub fn at(self, revision: &'a str) -> Self {
        Self {
            revision: Some(revision),
            ..self
        }
    }
}

/// Where a change is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The operation it affects (`POST /session/embedded`), if any.
    pub operation: Option<String>,
    /// A JSON Pointer into the head spec, or into the base spec for something removed.
    pub pointer: String,
    /// Which spec [`pointer`](Self::pointer) and [`line`](Self::line) are in (the
    /// report's [`file`](Report::file) names it).
    pub side: Side,
    /// The 1-based line of the pointer in that spec: of the key it names, or of the
    /// closest enclosing key when it names none.
    pub line: Option<usize>,
    /// Where the change shows in the head spec: [`line`](Self::line) for a change in
    /// the head, and for a removal the line of the closest enclosing key that the head
    /// still has. An annotation on a pull request goes there.
    pub head_line: Option<usize>,
}

impl Location {
    /// A location whose lines [`classify`](crate::classify) fills in.
    pub(crate) fn new(operation: Option<&str>, pointer: &str, side: Side) -> Self {
        Self {
            operation: operation.map(str::to_owned),
            pointer: pointer.to_owned(),
            side,
            line: None,
            head_line: None,
        }
    }
}

/// One classified difference between the two specs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The rule's id (see [`rules::RULES`](crate::rules::RULES)).
    pub id: &'static str,
    /// The stricter of the wire level and the Rust level.
    pub level: Level,
    /// Where it is.
    pub location: Location,
    /// What changed, in one line. Names from the spec are Markdown code spans that
    /// nothing in them can close.
    pub message: String,
    /// A short hash of the rule id, the operation and the pointer, the same on every
    /// run and across edits elsewhere in the spec (see [`FINGERPRINT_LEN`](crate::FINGERPRINT_LEN)).
    pub fingerprint: String,
    /// The entry of the accepted-changes file that accepts it, if one does.
    pub accepted: Option<Acceptance>,
}

/// Why a change is accepted: its entry in the accepted-changes file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acceptance {
    /// Why the maintainer accepted it.
    pub reason: String,
    /// When (`YYYY-MM-DD`).
    pub date: String,
    /// The line of the entry in the accepted-changes file.
    pub line: usize,
}

/// Every change from the base spec to the head spec, worst first, and the entries of
/// the accepted-changes file that no change matches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The spec compared against.
    pub base: SpecFile,
    /// The spec being reviewed.
    pub head: SpecFile,
    /// The changes, worst level first, in the order of the documents within a level.
    pub changes: Vec<Change>,
    /// Accepted entries that match no change: the change they accepted is gone, or it
    /// changed. They are to be removed.
    pub stale: Vec<Entry>,
}

/// Where one of the two specs came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpecFile {
    /// Its path (`openapi/stablemint.yaml`).
    pub file: String,
    /// The git revision it was read from, if it was.
    pub revision: Option<String>,
}

impl fmt::Display for SpecFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.revision {
            Some(revision) => write!(f, "{} at {revision}", self.file),
            None => f.write_str(&self.file),
        }
    }
}

impl Report {
    /// The spec a location is in.
    pub fn file(&self, side: Side) -> &SpecFile {
        match side {
            Side::Base => &self.base,
            Side::Head => &self.head,
        }
    }

    /// The number of changes at `level`.
    pub fn count(&self, level: Level) -> usize {
        self.changes.iter().filter(|c| c.level == level).count()
    }

    /// The worst level of any change; `None` when there are none.
    pub fn worst(&self) -> Option<Level> {
        self.changes.iter().map(|c| c.level).max()
    }

    /// The worst level of the changes that are not accepted: what `--fail-on` reads.
    pub fn worst_unaccepted(&self) -> Option<Level> {
        self.changes
            .iter()
            .filter(|c| c.accepted.is_none())
            .map(|c| c.level)
            .max()
    }

    /// The number of accepted changes.
    pub fn accepted(&self) -> usize {
        self.changes.iter().filter(|c| c.accepted.is_some()).count()
    }
}

/// Which of the two specs: a [`Location`]'s, or a [`SpecError`]'s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The spec compared against.
    Base,
    /// The spec being reviewed.
    Head,
}

/// A spec that cannot be read as a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    pub(crate) side: Side,
    pub(crate) line: Option<usize>,
    pub(crate) problem: String,
}

impl SpecError {
    /// Which spec it is.
    pub fn side(&self) -> Side {
        self.side
    }

    /// The 1-based line of the problem, when the YAML parser gives one.
    pub fn line(&self) -> Option<usize> {
        self.line
    }

    /// What is wrong (the parser's message includes the line and column).
    pub fn problem(&self) -> &str {
        &self.problem
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.problem)
    }
}

impl std::error::Error for SpecError {}
