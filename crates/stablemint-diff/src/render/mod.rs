//! The report written out: as text for a reviewer, JSON for tools, Markdown for a pull
//! request or `CHANGELOG.md`, GitHub Actions annotations for CI, and one line for
//! `cargo xtask gen`.
//!
//! Every text that came from a spec or from the accepted-changes file goes through
//! [`crate::escape`] on its way out, in the way the format needs.

mod github;
mod json;
mod markdown;

use std::fmt::Write;

use crate::escape::visible;
use crate::{Change, Level, Location, Report, Side, VersionCheck};

/// How a report is written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Grouped by level, worst first, for a reviewer at a terminal.
    Text,
    /// One JSON object, for tools.
    Json,
    /// A changelog section, for a pull request or `CHANGELOG.md`.
    Markdown,
    /// One GitHub Actions annotation per change.
    Github,
}

/// The levels, worst first.
const LEVELS: [Level; 3] = [Level::Breaking, Level::PossiblyBreaking, Level::NonBreaking];

/// A level as the heading of its group.
fn title(level: Level) -> &'static str {
    match level {
        Level::Breaking => "Breaking",
        Level::PossiblyBreaking => "Possibly breaking",
        Level::NonBreaking => "Non-breaking",
    }
}

impl Report {
    /// The whole report in `format`, with the verdict on the crate versions when they
    /// were checked.
    pub fn render(&self, format: Format, versions: Option<&VersionCheck>) -> String {
        match format {
            Format::Text => {
                let mut out = format!(
                    "Changes from {} to {}\n\n{}",
                    visible(&self.base.to_string()),
                    visible(&self.head.to_string()),
                    self.to_text()
                );
                if let Some(versions) = versions {
                    out.push('\n');
                    out.push_str(&versions.to_text());
                }
                out
            }
            Format::Json => json::render(self, versions),
            Format::Markdown => markdown::render(self, versions),
            Format::Github => github::render(self, versions),
        }
    }

    /// The changes of each level, worst first, leaving out levels without any.
    fn by_level(&self) -> impl Iterator<Item = (Level, Vec<&Change>)> {
        LEVELS.into_iter().filter_map(|level| {
            let changes: Vec<&Change> = self.changes.iter().filter(|c| c.level == level).collect();
            (!changes.is_empty()).then_some((level, changes))
        })
    }

    /// `3 changes: 1 breaking, 1 possibly-breaking, 1 non-breaking`, or `no changes`;
    /// levels without changes are left out. Then how many are accepted, and how many
    /// accepted entries are stale, when there are any.
    pub fn tally(&self) -> String {
        let mut line = self.counted(|_| String::new());
        let accepted = self.accepted();
        if accepted > 0 {
            let _ = write!(line, " ({accepted} accepted)");
        }
        let stale = self.stale.len();
        if stale > 0 {
            let _ = write!(line, "; {stale} stale accepted {}", plural(stale, "entry"));
        }
        line
    }

    fn counted(&self, details: impl Fn(Level) -> String) -> String {
        let total = self.changes.len();
        if total == 0 {
            return "no changes".to_owned();
        }
        let parts: Vec<String> = LEVELS
            .iter()
            .filter(|level| self.count(**level) > 0)
            .map(|level| {
                format!(
                    "{} {}{}",
                    self.count(*level),
                    level.as_str(),
                    details(*level)
                )
            })
            .collect();
        format!("{total} {}: {}", plural(total, "change"), parts.join(", "))
    }

    /// Where a change is, as `file:line`, with the revision for a spec read from git.
    fn place(&self, location: &Location) -> String {
        let spec = self.file(location.side);
        let mut out = spec.file.clone();
        if let Some(line) = location.line {
            let _ = write!(out, ":{line}");
        }
        if let Some(revision) = &spec.revision {
            let _ = write!(out, " at {revision}");
        }
        out
    }

    /// The text report: the changes grouped by level, worst first, each with its id,
    /// operation, fingerprint, place, pointer and message, and its acceptance; then the
    /// stale accepted entries and the tally.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for (level, changes) in self.by_level() {
            let _ = writeln!(out, "{} ({}):", title(level), changes.len());
            for change in changes {
                let at = change
                    .location
                    .operation
                    .as_ref()
                    .map_or(String::new(), |op| format!(" at {}", visible(op)));
                let _ = writeln!(out, "  - {}{at} [{}]", change.id, change.fingerprint);
                let _ = writeln!(
                    out,
                    "    {} {}",
                    visible(&self.place(&change.location)),
                    visible(&change.location.pointer)
                );
                let _ = writeln!(out, "    {}", visible(&change.message));
                if let Some(accepted) = &change.accepted {
                    let _ = writeln!(
                        out,
                        "    accepted {} (line {}): {}",
                        accepted.date,
                        accepted.line,
                        visible(&accepted.reason)
                    );
                }
            }
            out.push('\n');
        }
        if !self.stale.is_empty() {
            let _ = writeln!(
                out,
                "Stale accepted entries ({}): they match no change; remove them:",
                self.stale.len()
            );
            for entry in &self.stale {
                let _ = writeln!(
                    out,
                    "  - {} {} ({}:{})",
                    entry.fingerprint,
                    entry.id,
                    visible(&entry.file),
                    entry.line
                );
            }
            out.push('\n');
        }
        out.push_str(&self.tally());
        out.push('\n');
        out
    }

    /// The JSON report (see the crate documentation), worst first, pretty-printed.
    pub fn to_json(&self) -> String {
        json::render(self, None)
    }

    /// One line for `cargo xtask gen`: `2 changes since HEAD: 1 breaking
    /// (new-required-request-property at POST /session/embedded /components/...), 1
    /// non-breaking`. The breaking changes are named, up to three.
    pub fn summary(&self, since: &str) -> String {
        let line = self.counted(|level| {
            if level != Level::Breaking {
                return String::new();
            }
            let breaking: Vec<&Change> = self
                .changes
                .iter()
                .filter(|c| c.level == Level::Breaking)
                .collect();
            let mut named: Vec<String> = breaking
                .iter()
                .take(3)
                .map(|c| {
                    let op = c
                        .location
                        .operation
                        .as_ref()
                        .map_or(String::new(), |op| format!(" at {op}"));
                    format!("{}{op} {}", c.id, c.location.pointer)
                })
                .collect();
            if breaking.len() > 3 {
                named.push(format!("and {} more", breaking.len() - 3));
            }
            format!(" ({})", named.join("; "))
        });
        let line = match line.split_once(':') {
            Some((count, rest)) => format!("{count} since {since}:{rest}"),
            None => format!("{line} since {since}"),
        };
        visible(&line)
    }
}

impl VersionCheck {
    /// The verdict as text: one line per crate.
    pub fn to_text(&self) -> String {
        let mut out = format!("Versions since {}:\n", visible(&self.since));
        for krate in &self.crates {
            let _ = writeln!(out, "  {}", krate.verdict());
        }
        for left in &self.left_behind {
            let _ = writeln!(out, "  {}", left.verdict());
        }
        out
    }
}

impl crate::LeftBehind {
    /// `Cargo.toml:31: stablemint-raw = "0.1.0" does not accept 0.2.0, ...`.
    fn verdict(&self) -> String {
        visible(&format!(
            "{}:{}: {} = {:?} does not accept {}, the version of the crate it names, so \
             cargo cannot resolve it; set it to \"{}\" (`cargo xtask bump` moves every one)",
            self.file, self.line, self.name, self.requirement, self.version, self.version
        ))
    }
}

impl crate::CrateVersion {
    /// `stablemint 0.1.0 -> 0.1.0: needs 0.2.0 or later (breaking: id at op)`, or `... ok`.
    fn verdict(&self) -> String {
        let from_to = format!("{} {} -> {}", self.name, self.before, self.after.version);
        let why = |c: &String| format!(" for {}", visible(c));
        match self.needs {
            crate::Bump::None => format!("{from_to}: ok, no spec change"),
            needs => {
                let kind = match needs {
                    crate::Bump::Incompatible => "a semver-incompatible version",
                    _ => "a patch version",
                };
                let verdict = if self.ok() { "ok" } else { "too low" };
                format!(
                    "{from_to}: {verdict}; needs {} or later, {kind}{}",
                    self.minimum(),
                    self.because.as_ref().map_or(String::new(), why)
                )
            }
        }
    }
}

/// Whether the change's own spec is the base: what it is about is gone from the head.
fn removed(change: &Change) -> bool {
    change.location.side == Side::Base
}

fn plural(n: usize, word: &str) -> String {
    match (n, word.strip_suffix('y')) {
        (1, _) => word.to_owned(),
        (_, Some(stem)) => format!("{stem}ies"),
        (_, None) => format!("{word}s"),
    }
}
