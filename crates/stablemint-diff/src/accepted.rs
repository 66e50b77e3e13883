//! `openapi/accepted-changes.yaml`: the changes a maintainer has read and accepted.
//!
//! ```yaml
//! accepted:
//!   - fingerprint: 3f9c0a7d51e2
//!     id: new-optional-request-parameter
//!     reason: StableMint announced the parameter; stablemint-raw goes to 0.2.0.
//!     date: 2026-03-02
//! ```
//!
//! Each entry names one change by its fingerprint and rule id, and says why and when it
//! was accepted. An accepted change is still reported, marked accepted with its reason,
//! but `--fail-on` passes over it. An entry that matches no change is stale: the change
//! it accepted is gone or has become another, and the entry is to be removed.

use std::collections::HashMap;
use std::fmt;

use serde::Deserialize;

use crate::identity::FINGERPRINT_LEN;
use crate::locate::Lines;
use crate::{Acceptance, Report, rules};

/// The file's place in the repository, beside the spec.
pub const ACCEPTED_IN_REPO: &str = "openapi/accepted-changes.yaml";

/// One entry of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The accepted change's fingerprint.
    pub fingerprint: String,
    /// The accepted change's rule id.
    pub id: String,
    /// Why it was accepted.
    pub reason: String,
    /// When (`YYYY-MM-DD`).
    pub date: String,
    /// The file the entry is in.
    pub file: String,
    /// The entry's 1-based line there.
    pub line: usize,
}

/// The entries of an accepted-changes file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Accepted {
    /// In the order of the file.
    pub entries: Vec<Entry>,
}

/// An accepted-changes file that cannot be used: where, what is wrong, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedError {
    /// The file.
    pub file: String,
    /// The 1-based line, when there is one.
    pub line: Option<usize>,
    /// What is wrong, then what to do.
    pub problem: String,
}

impl fmt::Display for AcceptedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file, self.problem),
            None => write!(f, "{}: {}", self.file, self.problem),
        }
    }
}

impl std::error::Error for AcceptedError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    accepted: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    fingerprint: String,
    id: String,
    reason: String,
    date: String,
}

/// What an entry looks like, for the messages that say how to fix one.
const SHAPE: &str = "each entry needs `fingerprint`, `id`, `reason` and `date` \
                     (`- {fingerprint: 3f9c0a7d51e2, id: endpoint-added, reason: ..., \
                     date: 2026-03-02}`), as `cargo xtask diff` prints them";

impl Accepted {
    /// Reads the text of the accepted-changes file `file`. An empty file, or one with
    /// only comments, accepts nothing.
    pub fn parse(file: &str, text: &str) -> Result<Self, AcceptedError> {
        let fail = |line: Option<usize>, problem: String| AcceptedError {
            file: file.to_owned(),
            line,
            problem,
        };
        let parsed: Option<File> = serde_yaml::from_str(text).map_err(|e| {
            let problem = e.to_string();
            // serde_yaml appends " at line L column C"; the line goes up front.
            let problem = match problem.find(" at line ") {
                Some(cut) => &problem[..cut],
                None => &problem,
            };
            fail(
                e.location().map(|l| l.line()),
                format!("{problem}; the file holds `accepted:`, a list where {SHAPE}"),
            )
        })?;
        let raw = parsed.map(|f| f.accepted).unwrap_or_default();
        let lines = Lines::of(text);
        let mut entries: Vec<Entry> = Vec::with_capacity(raw.len());
        let mut first_line: HashMap<String, usize> = HashMap::new();
        for (i, entry) in raw.into_iter().enumerate() {
            let line_of = |key: &str| lines.line(&format!("/accepted/{i}/{key}"));
            let line = lines.line(&format!("/accepted/{i}")).unwrap_or(1);
            let fingerprint = entry.fingerprint.trim();
            if fingerprint.len() != FINGERPRINT_LEN
                || !fingerprint
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            {
                return Err(fail(
                    line_of("fingerprint"),
                    format!(
                        "fingerprint {:?} is not {FINGERPRINT_LEN} lowercase hex digits; copy \
                         it from the change as `cargo xtask diff` prints it",
                        entry.fingerprint
                    ),
                ));
            }
            if rules::rule(entry.id.trim()).is_none() {
                return Err(fail(
                    line_of("id"),
                    format!(
                        "`{}` is no rule id; copy the id from the change as `cargo xtask \
                         diff` prints it (the rule table lists them all)",
                        crate::escape::visible(&entry.id)
                    ),
                ));
            }
            if entry.reason.trim().is_empty() {
                return Err(fail(
                    line_of("reason"),
                    "the reason is empty; say why the change is acceptable".to_owned(),
                ));
            }
            if !is_date(entry.date.trim()) {
                return Err(fail(
                    line_of("date"),
                    format!(
                        "date {:?} is not a calendar date written YYYY-MM-DD",
                        entry.date
                    ),
                ));
            }
            if let Some(first) = first_line.insert(fingerprint.to_owned(), line) {
                return Err(fail(
                    Some(line),
                    format!(
                        "fingerprint {fingerprint} is accepted twice (first at line {first}); \
                         keep one entry"
                    ),
                ));
            }
            entries.push(Entry {
                fingerprint: fingerprint.to_owned(),
                id: entry.id.trim().to_owned(),
                reason: entry.reason.trim().to_owned(),
                date: entry.date.trim().to_owned(),
                file: file.to_owned(),
                line,
            });
        }
        Ok(Self { entries })
    }
}

impl Report {
    /// Marks the changes that `accepted` accepts (same fingerprint and rule id), and
    /// records its entries that match no change as stale.
    pub fn accept(&mut self, accepted: &Accepted) {
        let mut used = vec![false; accepted.entries.len()];
        for change in &mut self.changes {
            let found = accepted
                .entries
                .iter()
                .position(|e| e.fingerprint == change.fingerprint && e.id == change.id);
            if let Some(i) = found {
                used[i] = true;
                let entry = &accepted.entries[i];
                change.accepted = Some(Acceptance {
                    reason: entry.reason.clone(),
                    date: entry.date.clone(),
                    line: entry.line,
                });
            }
        }
        self.stale = accepted
            .entries
            .iter()
            .zip(used)
            .filter(|(_, used)| !used)
            .map(|(e, _)| e.clone())
            .collect();
    }
}

/// `YYYY-MM-DD`, a real day of the Gregorian calendar.
fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    let shape = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape {
        return false;
    }
    let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().unwrap_or(0);
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    year > 0 && (1..=days).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::is_date;

    #[test]
    fn dates() {
        for good in ["2026-03-02", "2024-02-29", "2000-02-29", "0001-01-01"] {
            assert!(is_date(good), "{good}");
        }
        for bad in [
            "2026-3-2",
            "2026-02-29",
            "1900-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-01-32",
            "0000-01-01",
            "2026/03/02",
            "２０２６-03-02",
            "",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
    }
}
