//! The spec-change classifier checked against the compiler (see
//! `stablemint_tests::classifier_fuzz`): `COUNT` seeded random edits of the base spec,
//! each classified, generated in one reused copy of the repository
//! (`target/classifier-fuzz/repository`), and type-checked with
//! `tests/downstream/every_item` in `target/downstream`. Prints the counts per rule id
//! as a Markdown table.
//!
//!     cargo run -p stablemint-tests --example classifier_fuzz -- [COUNT [SEED]]
//!     cargo run -p stablemint-tests --example classifier_fuzz -- --print-api
//!     cargo run -p stablemint-tests --example classifier_fuzz -- --explain SEED SERIAL
//!
//! `--print-api` prints the base's Rust API listing, which `every_item` must use all of;
//! `--explain SEED SERIAL` prints edit number `SERIAL` (counted from 1, as the run
//! prints them) of the run with `SEED` and the classifier's full report of it.
//!
//! Exits with 1 when an edit whose every change is non-breaking does not compile, or
//! when the generator accepts an edit and generates code that does not compile, and
//! with 2 when the base itself does not (`every_item` is out of date) or the arguments
//! are wrong.

use std::process::ExitCode;
use std::time::Instant;

use stablemint_diff::{Level, Source};
use stablemint_tests::classifier_fuzz::{Outcome, Record, base_spec, markdown_table, random_edit};
use stablemint_tests::downstream::{
    cargo, copy_repository_to, downstream_crate, write_generated, write_if_changed,
};
use stablemint_tests::workspace_root;

const SPEC: &str = "openapi/stablemint.yaml";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let base = base_spec();
    let base_text = serde_yaml::to_string(&base).expect("a spec serialises");
    let generate = |text: &str| stablemint_codegen::generate_for_stablemint(text, SPEC.as_ref());
    if args.first().map(String::as_str) == Some("--print-api") {
        return match generate(&base_text) {
            Ok(output) => {
                print!("{}", output.rust_api);
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("the base does not generate: {error}");
                ExitCode::from(2)
            }
        };
    }
    if args.first().map(String::as_str) == Some("--explain") {
        let (Some(seed), Some(serial)) = (
            args.get(1).and_then(|a| a.parse::<u64>().ok()),
            args.get(2).and_then(|a| a.parse::<usize>().ok()),
        ) else {
            eprintln!("usage: classifier_fuzz --explain SEED SERIAL");
            return ExitCode::from(2);
        };
        return explain(&base, &base_text, seed, serial);
    }
    let (Some(count), Some(seed)) = (
        args.first().map_or(Some(5), |a| a.parse::<usize>().ok()),
        args.get(1).map_or(Some(1), |a| a.parse::<u64>().ok()),
    ) else {
        eprintln!("usage: classifier_fuzz [COUNT [SEED]] | --print-api");
        return ExitCode::from(2);
    };

    let dir = workspace_root().join("target/classifier-fuzz");
    let root = dir.join("repository");
    copy_repository_to(&root);
    let manifest = downstream_crate("every_item", &root, &dir.join("every_item"));
    let copy_crates = root.join("crates").display().to_string();
    let check = || {
        let output = cargo(
            &["check", "--quiet", "--message-format", "short"],
            &manifest,
            &[],
        );
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        (output.status.success(), stderr)
    };

    println!("classifier fuzz: {count} edits, seed {seed}");
    let started = Instant::now();
    match generate(&base_text) {
        Ok(output) => {
            write_if_changed(&root.join(SPEC), base_text.as_bytes());
            write_generated(&root, &output);
        }
        Err(error) => {
            eprintln!("the base does not generate: {error}");
            return ExitCode::from(2);
        }
    }
    let (ok, stderr) = check();
    if !ok && stderr.contains(&copy_crates) {
        eprintln!("the crates generated from the base spec do not compile:\n{stderr}");
        return ExitCode::from(2);
    }
    if !ok {
        eprintln!(
            "tests/downstream/every_item does not compile against the base API; bring it up \
             to date (`--print-api` lists the API):\n{stderr}"
        );
        return ExitCode::from(2);
    }
    println!(
        "base: every_item compiles ({:.1} s)",
        started.elapsed().as_secs_f64()
    );

    let mut rng = fastrand::Rng::with_seed(seed);
    let mut records = Vec::new();
    for serial in 0..count {
        let edit_started = Instant::now();
        let edit = random_edit(&base, &mut rng, serial);
        let head_text = serde_yaml::to_string(&edit.head).expect("a spec serialises");
        let report = match stablemint_diff::classify(
            Source::new(SPEC, &base_text),
            Source::new(SPEC, &head_text),
        ) {
            Ok(report) => report,
            Err(error) => {
                eprintln!("the classifier rejected an edited spec: {error:?}");
                return ExitCode::from(2);
            }
        };
        let changes: Vec<(&'static str, Level)> =
            report.changes.iter().map(|c| (c.id, c.level)).collect();
        write_if_changed(&root.join(SPEC), head_text.as_bytes());
        let outcome = match generate(&head_text) {
            Err(error) => Outcome::Refused(error.to_string()),
            Ok(output) => {
                write_generated(&root, &output);
                match check() {
                    (true, _) => Outcome::Compiled,
                    // An error in the copy's crates is the generator's, not the caller's.
                    (false, stderr) if stderr.contains(&copy_crates) => {
                        Outcome::Broken(first_errors(&stderr))
                    }
                    (false, stderr) => Outcome::Failed(first_errors(&stderr)),
                }
            }
        };
        let record = Record {
            kind: edit.kind,
            description: edit.description,
            changes,
            outcome,
        };
        println!(
            "[{}/{count}] {}: {}\n    {} -> {} ({:.1} s)",
            serial + 1,
            record.kind,
            record.description,
            describe_changes(&record),
            describe_outcome(&record.outcome),
            edit_started.elapsed().as_secs_f64()
        );
        records.push(record);
    }

    println!(
        "\n{count} edits, seed {seed}, {:.0} s\n\n{}",
        started.elapsed().as_secs_f64(),
        markdown_table(&records)
    );
    let informational: Vec<&Record> = records
        .iter()
        .filter(|r| r.is_breaking_but_compiled())
        .collect();
    if !informational.is_empty() {
        println!("Breaking by the classifier, yet every_item compiles (for information):");
        for record in informational {
            println!("  - {}: {}", record.description, describe_changes(record));
        }
    }
    let broken: Vec<&Record> = records
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Broken(_)))
        .collect();
    for record in &broken {
        eprintln!(
            "\nGENERATOR DEFECT: the generator accepted `{}` but its code does not compile:\n    {}",
            record.description,
            describe_outcome(&record.outcome)
        );
    }
    let violations: Vec<&Record> = records.iter().filter(|r| r.is_violation()).collect();
    if violations.is_empty() {
        println!("\nNo edit the classifier calls non-breaking failed to compile.");
        return if broken.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        };
    }
    eprintln!(
        "\nVIOLATION: {} edit(s) the classifier calls non-breaking do not compile:",
        violations.len()
    );
    for record in violations {
        eprintln!(
            "  - {}: {}\n    {}",
            record.description,
            describe_changes(record),
            describe_outcome(&record.outcome)
        );
    }
    ExitCode::FAILURE
}

/// Replays the run with `seed` up to its `serial`-th edit, and prints the edit and the
/// classifier's report of it.
fn explain(base: &serde_json::Value, base_text: &str, seed: u64, serial: usize) -> ExitCode {
    let mut rng = fastrand::Rng::with_seed(seed);
    let Some(edit) = (0..serial.max(1))
        .map(|i| random_edit(base, &mut rng, i))
        .last()
    else {
        return ExitCode::from(2);
    };
    let head_text = serde_yaml::to_string(&edit.head).expect("a spec serialises");
    match stablemint_diff::classify(Source::new(SPEC, base_text), Source::new(SPEC, &head_text)) {
        Ok(report) => {
            println!(
                "{}: {}

{}",
                edit.kind,
                edit.description,
                report.render(stablemint_diff::Format::Text, None)
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("the classifier rejected the edited spec: {error:?}");
            ExitCode::from(2)
        }
    }
}

fn describe_changes(record: &Record) -> String {
    if record.changes.is_empty() {
        return "no change classified".to_owned();
    }
    let changes: Vec<String> = record
        .changes
        .iter()
        .map(|(id, level)| format!("{id} ({level})"))
        .collect();
    changes.join(", ")
}

fn describe_outcome(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Refused(why) => format!("generation refused: {why}"),
        Outcome::Compiled => "compiles".to_owned(),
        Outcome::Failed(errors) => format!("does not compile: {errors}"),
        Outcome::Broken(errors) => format!("the generated crates do not compile: {errors}"),
    }
}

/// The compiler's first few errors, one line each.
fn first_errors(stderr: &str) -> String {
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|line| line.contains("error"))
        .filter(|line| !line.starts_with("error: could not compile"))
        .take(3)
        .map(|line| line.rsplit_once("src/").map_or(line, |(_, rest)| rest))
        .collect();
    if errors.is_empty() {
        stderr.lines().last().unwrap_or_default().to_owned()
    } else {
        errors.join(" | ")
    }
}
