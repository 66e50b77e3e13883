//! The report as one JSON object, for tools.

use serde_json::{Value, json};

use crate::{Report, VersionCheck};

/// `{"changes": [...], "stale": [...]}`, and `"versions"` when they were checked.
pub(super) fn render(report: &Report, versions: Option<&VersionCheck>) -> String {
    let changes: Vec<Value> = report
        .changes
        .iter()
        .map(|c| {
            let spec = report.file(c.location.side);
            json!({
                "id": c.id,
                "level": c.level.as_str(),
                "fingerprint": c.fingerprint,
                "location": {
                    "operation": c.location.operation,
                    "pointer": c.location.pointer,
                    "file": spec.file,
                    "revision": spec.revision,
                    "line": c.location.line,
                },
                "message": c.message,
                "accepted": c.accepted.as_ref().map(|a| json!({
                    "reason": a.reason,
                    "date": a.date,
                    "line": a.line,
                })),
            })
        })
        .collect();
    let stale: Vec<Value> = report
        .stale
        .iter()
        .map(|e| {
            json!({
                "fingerprint": e.fingerprint,
                "id": e.id,
                "reason": e.reason,
                "date": e.date,
                "file": e.file,
                "line": e.line,
            })
        })
        .collect();
    let mut out = json!({ "changes": changes, "stale": stale });
    if let Some(versions) = versions {
        out["versions"] = json!({
            "since": versions.since,
            "ok": versions.ok(),
            "crates": versions.crates.iter().map(|k| json!({
                "name": k.name,
                "before": k.before.to_string(),
                "after": k.after.version.to_string(),
                "file": k.after.file,
                "line": k.after.line,
                "needs": match k.needs {
                    crate::Bump::None => "none",
                    crate::Bump::Patch => "patch",
                    crate::Bump::Incompatible => "incompatible",
                },
                "minimum": k.minimum().to_string(),
                "because": k.because,
                "ok": k.ok(),
            })).collect::<Vec<_>>(),
            "leftBehind": versions.left_behind.iter().map(|l| json!({
                "name": l.name,
                "requirement": l.requirement,
                "version": l.version.to_string(),
                "file": l.file,
                "line": l.line,
            })).collect::<Vec<_>>(),
        });
    }
    // Serialising a `Value` cannot fail.
    let mut text = serde_json::to_string_pretty(&out).unwrap_or_default();
    text.push('\n');
    text
}
