//! The report as a changelog section: for a pull request or `CHANGELOG.md`.
//!
//! Names from the spec are code spans that nothing in them can close (messages are
//! built that way), so a key or a description cannot add links, HTML or mentions.

use std::fmt::Write;

use super::title;
use crate::escape::{code, visible};
use crate::{Report, VersionCheck};

pub(super) fn render(report: &Report, versions: Option<&VersionCheck>) -> String {
    let mut out = format!(
        "### API changes\n\nFrom {} to {}: {}.\n",
        spec_name(&report.base),
        spec_name(&report.head),
        report.tally()
    );
    for (level, changes) in report.by_level() {
        let _ = write!(out, "\n#### {} ({})\n\n", title(level), changes.len());
        for change in changes {
            let at = change
                .location
                .operation
                .as_ref()
                .map_or(String::new(), |op| format!(" at {}", code(op)));
            let _ = writeln!(
                out,
                "- {}{at}: {}  ",
                code(change.id),
                visible(&change.message)
            );
            let _ = write!(
                out,
                "  {}, {}, fingerprint {}",
                code(&report.place(&change.location)),
                code(&change.location.pointer),
                code(&change.fingerprint)
            );
            match &change.accepted {
                Some(accepted) => {
                    let _ = writeln!(
                        out,
                        "  \n  **Accepted** on {}: {}",
                        accepted.date,
                        visible(&accepted.reason)
                    );
                }
                None => out.push('\n'),
            }
        }
    }
    if !report.stale.is_empty() {
        let _ = write!(
            out,
            "\n#### Stale accepted entries ({})\n\nThey match no change; remove them.\n\n",
            report.stale.len()
        );
        for entry in &report.stale {
            let _ = writeln!(
                out,
                "- {} ({}), {}",
                code(&entry.fingerprint),
                code(&entry.id),
                code(&format!("{}:{}", entry.file, entry.line))
            );
        }
    }
    if let Some(versions) = versions {
        let _ = write!(out, "\n#### Versions since {}\n\n", code(&versions.since));
        for krate in &versions.crates {
            let _ = writeln!(out, "- {}", code(&krate.verdict()));
        }
        for left in &versions.left_behind {
            let _ = writeln!(out, "- {}", code(&left.verdict()));
        }
    }
    out
}

fn spec_name(spec: &crate::SpecFile) -> String {
    match &spec.revision {
        Some(revision) => format!("{} at {}", code(&spec.file), code(revision)),
        None => code(&spec.file),
    }
}
