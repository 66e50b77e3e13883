//! What became of the edits: each edit's record, and the tally by classifier rule.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use stablemint_diff::Level;

/// What became of one edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The generator refused the edited spec, with its message.
    Refused(String),
    /// `every_item` compiled against the generated code.
    Compiled,
    /// `every_item` did not compile; the first errors.
    Failed(String),
    /// The generator accepted the spec, but the crates it generated do not compile: a
    /// defect of the generator, whatever the classifier said; the first errors.
    Broken(String),
}

/// One edit, its classification and its outcome.
#[derive(Debug, Clone)]
pub struct Record {
    /// The edit's kind.
    pub kind: &'static str,
    /// The edit.
    pub description: String,
    /// Each change the classifier reported: its rule id and level.
    pub changes: Vec<(&'static str, Level)>,
    /// What the generator and the compiler made of it.
    pub outcome: Outcome,
}

impl Record {
    /// The worst level among the changes; `None` when the classifier saw none.
    pub fn level(&self) -> Option<Level> {
        self.changes.iter().map(|(_, level)| *level).max()
    }

    /// The invariant broken: every change non-breaking (or none at all), and the
    /// downstream crate does not compile.
    pub fn is_violation(&self) -> bool {
        matches!(self.outcome, Outcome::Failed(_))
            && self.level().is_none_or(|l| l == Level::NonBreaking)
    }

    /// Breaking by the classifier, and yet the downstream crate compiles: worth
    /// reading, not wrong (a wire break, or a Rust break of an item no caller uses).
    pub fn is_breaking_but_compiled(&self) -> bool {
        self.outcome == Outcome::Compiled && self.level() == Some(Level::Breaking)
    }
}

/// Counts per rule id: edits, the levels given, refused, compiled, failed, failed while
/// every change of the edit was non-breaking, and generated code that did not compile.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RuleCount {
    /// Edits with a change of this rule.
    pub edits: usize,
    /// The levels the rule's changes were given.
    pub levels: Vec<Level>,
    /// Of those edits, how many the generator refused.
    pub refused: usize,
    /// How many compiled.
    pub compiled: usize,
    /// How many did not compile.
    pub failed: usize,
    /// How many broke the invariant.
    pub violations: usize,
    /// How many the generator accepted and generated code for that does not compile.
    pub broken: usize,
}

/// The counts per rule id (edits with no change under `(none)`), in id order.
pub fn tally(records: &[Record]) -> BTreeMap<&'static str, RuleCount> {
    let mut counts: BTreeMap<&'static str, RuleCount> = BTreeMap::new();
    for record in records {
        let mut ids: Vec<(&'static str, Level)> = record.changes.clone();
        if ids.is_empty() {
            ids.push(("(none)", Level::NonBreaking));
        }
        ids.sort();
        ids.dedup_by_key(|(id, _)| *id);
        for (id, _) in &ids {
            let count = counts.entry(id).or_default();
            count.edits += 1;
            for (_, level) in record.changes.iter().filter(|(i, _)| i == id) {
                if !count.levels.contains(level) {
                    count.levels.push(*level);
                }
            }
            match record.outcome {
                Outcome::Refused(_) => count.refused += 1,
                Outcome::Compiled => count.compiled += 1,
                Outcome::Failed(_) => count.failed += 1,
                Outcome::Broken(_) => count.broken += 1,
            }
            if record.is_violation() {
                count.violations += 1;
            }
        }
    }
    for count in counts.values_mut() {
        count.levels.sort();
    }
    counts
}

/// The tally as a Markdown table.
pub fn markdown_table(records: &[Record]) -> String {
    let mut out = String::from(
        "| rule | edits | level | refused | compiled | failed | non-breaking but failed | \
         generated code broken |\n|---|---:|---|---:|---:|---:|---:|---:|\n",
    );
    for (id, count) in tally(records) {
        let levels: Vec<&str> = count.levels.iter().map(|l| l.as_str()).collect();
        let _ = writeln!(
            out,
            "| `{id}` | {} | {} | {} | {} | {} | {} | {} |",
            count.edits,
            if levels.is_empty() {
                "-".to_owned()
            } else {
                levels.join(", ")
            },
            count.refused,
            count.compiled,
            count.failed,
            count.violations,
            count.broken
        );
    }
    out
}

// The edits. Each returns what it did, or `None` when the spec has nothing it applies to.

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_non_breaking_edit_that_fails_to_compile_is_a_violation() {
        let record = |changes: Vec<(&'static str, Level)>, outcome| Record {
            kind: "k",
            description: String::new(),
            changes,
            outcome,
        };
        let failed = || Outcome::Failed("error[E0609]".into());
        let quiet = record(vec![("endpoint-added", Level::NonBreaking)], failed());
        assert!(quiet.is_violation());
        assert!(record(vec![], failed()).is_violation());
        let loud = record(
            vec![
                ("endpoint-added", Level::NonBreaking),
                ("request-property-removed", Level::Breaking),
            ],
            failed(),
        );
        assert!(!loud.is_violation());
        let compiled = record(
            vec![("request-property-removed", Level::Breaking)],
            Outcome::Compiled,
        );
        assert!(compiled.is_breaking_but_compiled());
        assert!(!record(vec![], Outcome::Refused("no".into())).is_violation());

        let counts = tally(&[quiet, loud, compiled]);
        assert_eq!(
            counts["endpoint-added"],
            RuleCount {
                edits: 2,
                levels: vec![Level::NonBreaking],
                refused: 0,
                compiled: 0,
                failed: 2,
                violations: 1,
                broken: 0,
            }
        );
        assert_eq!(counts["request-property-removed"].compiled, 1);
        assert_eq!(counts["request-property-removed"].failed, 1);
    }
}
