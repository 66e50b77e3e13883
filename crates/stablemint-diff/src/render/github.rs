//! The report as GitHub Actions workflow commands: one annotation per change, on the
//! line of the head spec it is about. `::error` for a breaking change, `::warning` for
//! a possibly-breaking one, `::notice` for the rest and for accepted changes (which no
//! longer need attention); a stale accepted entry is a `::warning` on its own line.
//!
//! Everything in a command is escaped as GitHub documents, so no text from the spec can
//! end the command or start another.

use std::fmt::Write;

use super::removed;
use crate::escape::{annotation_message, annotation_property};
use crate::{Level, Report, VersionCheck};

pub(super) fn render(report: &Report, versions: Option<&VersionCheck>) -> String {
    let mut out = String::new();
    for change in &report.changes {
        let command = match (change.accepted.is_some(), change.level) {
            (true, _) | (false, Level::NonBreaking) => "notice",
            (false, Level::PossiblyBreaking) => "warning",
            (false, Level::Breaking) => "error",
        };
        let location = &change.location;
        let mut message = format!("{}", change.level);
        if change.accepted.is_some() {
            message.push_str(", accepted");
        }
        if let Some(op) = &location.operation {
            let _ = write!(message, " at {op}");
        }
        let _ = write!(message, ": {} ({}", change.message, location.pointer);
        if removed(change) {
            // The head has no line for what it no longer has: the annotation goes on
            // the closest enclosing key that is left, and says where it was.
            let _ = write!(message, "; removed from {}", report.place(location));
        }
        let _ = write!(message, "; fingerprint {})", change.fingerprint);
        if let Some(accepted) = &change.accepted {
            let _ = write!(
                message,
                " accepted on {}: {}",
                accepted.date, accepted.reason
            );
        }
        out.push_str(&command_line(
            command,
            &report.head.file,
            location.head_line,
            change.id,
            &message,
        ));
    }
    for entry in &report.stale {
        out.push_str(&command_line(
            "warning",
            &entry.file,
            Some(entry.line),
            "stale accepted change",
            &format!(
                "fingerprint {} ({}) matches no change: the change it accepted is gone or \
                 has become another; remove the entry",
                entry.fingerprint, entry.id
            ),
        ));
    }
    if let Some(versions) = versions {
        for krate in versions.crates.iter().filter(|k| !k.ok()) {
            out.push_str(&command_line(
                "error",
                &krate.after.file,
                Some(krate.after.line),
                "version bump needed",
                &krate.verdict(),
            ));
        }
        for left in &versions.left_behind {
            out.push_str(&command_line(
                "error",
                &left.file,
                Some(left.line),
                "requirement left behind",
                &left.verdict(),
            ));
        }
    }
    // A plain line for the log, outside any command.
    let _ = writeln!(out, "{}", annotation_message(&report.tally()));
    out
}

fn command_line(
    command: &str,
    file: &str,
    line: Option<usize>,
    title: &str,
    message: &str,
) -> String {
    let mut out = format!("::{command} file={}", annotation_property(file));
    if let Some(line) = line {
        let _ = write!(out, ",line={line}");
    }
    let _ = writeln!(
        out,
        ",title={}::{}",
        annotation_property(title),
        annotation_message(message)
    );
    out
}
