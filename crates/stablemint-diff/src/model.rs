//! What the classifier reports: changes, their levels and locations, and the report
//! that holds them.

use std::fmt;

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

/// Where a change is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The operation it affects (`POST /session/embedded`), if any.
    pub operation: Option<String>,
    /// A JSON Pointer into the head spec (into the base spec for something removed).
    pub pointer: String,
}

/// One classified difference between the two specs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The rule's id (see [`rules::RULES`]).
    pub id: &'static str,
    /// The stricter of the wire level and the Rust level.
    pub level: Level,
    /// Where it is.
    pub location: Location,
    /// What changed, in one line.
    pub message: String,
}

/// Every change from the base spec to the head spec, worst first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The changes, worst level first, in the order of the documents within a level.
    pub changes: Vec<Change>,
}

impl Report {
    /// The number of changes at `level`.
    pub fn count(&self, level: Level) -> usize {
        self.changes.iter().filter(|c| c.level == level).count()
    }

    /// The worst level of any change; `None` when there are none.
    pub fn worst(&self) -> Option<Level> {
        self.changes.iter().map(|c| c.level).max()
    }
}

/// Which of the two specs a [`SpecError`] is about.
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
