//! The report as text for a reviewer, as JSON for tools, and as one line for
//! `cargo xtask gen`.

use std::fmt::Write;

use serde_json::json;

use crate::{Change, Level, Report};

/// The levels, worst first.
const LEVELS: [Level; 3] = [Level::Breaking, Level::PossiblyBreaking, Level::NonBreaking];

impl Report {
    /// `3 changes: 1 breaking, 1 possibly-breaking, 1 non-breaking`, or `no changes`.
    /// Levels without changes are left out.
    pub fn tally(&self) -> String {
        self.counted(|_| String::new())
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

    /// The text report: the changes grouped by level, worst first, each with its id,
    /// operation, pointer and message, then the tally.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for level in LEVELS {
            let changes: Vec<&Change> = self.changes.iter().filter(|c| c.level == level).collect();
            if changes.is_empty() {
                continue;
            }
            let title = match level {
                Level::Breaking => "Breaking",
                Level::PossiblyBreaking => "Possibly breaking",
                Level::NonBreaking => "Non-breaking",
            };
            let _ = writeln!(out, "{title} ({}):", changes.len());
            for change in changes {
                let at = change
                    .location
                    .operation
                    .as_ref()
                    .map_or(String::new(), |op| format!(" at {op}"));
                let _ = writeln!(out, "  - {}{at}", change.id);
                let _ = writeln!(out, "    {}", change.location.pointer);
                let _ = writeln!(out, "    {}", change.message);
            }
            out.push('\n');
        }
        out.push_str(&self.tally());
        out.push('\n');
        out
    }

    /// The JSON report: `{"changes": [{"id", "level", "location": {"operation",
    /// "pointer"}, "message"}]}`, worst first, pretty-printed.
    pub fn to_json(&self) -> String {
        let changes: Vec<serde_json::Value> = self
            .changes
            .iter()
            .map(|c| {
                json!({
                    "id": c.id,
                    "level": c.level.as_str(),
                    "location": {
                        "operation": c.location.operation,
                        "pointer": c.location.pointer,
                    },
                    "message": c.message,
                })
            })
            .collect();
        let mut text = serde_json::to_string_pretty(&json!({ "changes": changes }))
            .unwrap_or_else(|_| "{\"changes\": []}".to_owned());
        text.push('\n');
        text
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
        match line.split_once(':') {
            Some((count, rest)) => format!("{count} since {since}:{rest}"),
            None => format!("{line} since {since}"),
        }
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_owned()
    } else {
        format!("{word}s")
    }
}
