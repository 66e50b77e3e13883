//! Each rule alone, on a valid and an invalid input: `cargo bench -p stablemint-validate`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use stablemint_validate::{
    Path, fits_precision, fraction_digits, is_alpha2, is_currency, is_date, is_email, is_positive,
    rules,
};

/// (name, rule, a valid input, an invalid input).
type Case = (&'static str, fn(&str) -> bool, &'static str, &'static str);

fn string_rules(c: &mut Criterion) {
    let mut group = c.benchmark_group("rule");
    let cases: [Case; 4] = [
        ("alpha2", is_alpha2, "DE", "UK"),
        ("date", is_date, "1990-04-27", "1900-02-29"),
        (
            "email",
            is_email,
            "jane.doe+invoices@mail.example.com",
            "jane.doe@example..com",
        ),
        ("currency", is_currency, "EUR", "HRK"),
    ];
    for (name, rule, valid, invalid) in cases {
        group.bench_function(format!("{name}/valid"), |b| {
            b.iter(|| rule(black_box(valid)))
        });
        group.bench_function(format!("{name}/invalid"), |b| {
            b.iter(|| rule(black_box(invalid)))
        });
    }
    group.bench_function("positive/valid", |b| {
        b.iter(|| is_positive(black_box(10.25)))
    });
    group.bench_function("fraction_digits/0.1+0.2", |b| {
        b.iter(|| fraction_digits(black_box(0.1 + 0.2)))
    });
    group.bench_function("precision/valid", |b| {
        b.iter(|| fits_precision(black_box(1234.56), black_box("EUR")))
    });
    group.bench_function("precision/invalid", |b| {
        b.iter(|| fits_precision(black_box(10.123), black_box("EUR")))
    });
    group.finish();
}

/// The message-building forms, on invalid input: what a rejected request pays.
fn rule_errors(c: &mut Criterion) {
    let mut group = c.benchmark_group("rule_error");
    group.bench_function("alpha2", |b| b.iter(|| rules::alpha2(black_box("uk"))));
    group.bench_function("email", |b| {
        b.iter(|| rules::email(black_box("a@[192.0.2.1]")))
    });
    group.bench_function("precision", |b| {
        b.iter(|| rules::precision(black_box(10.123), black_box("EUR")))
    });
    group.bench_function("pointer", |b| {
        let root = Path::root();
        let kyc = root.field("userKyc");
        let items = kyc.field("items");
        let third = items.index(2);
        let leaf = third.field("dateOfBirth");
        b.iter(|| black_box(&leaf).to_pointer())
    });
    group.finish();
}

// The lead adds a whole-request bench here (validating the generated request types of
// stablemint-raw) once they exist: a `fn request(c: &mut Criterion)` in this group.
criterion_group!(benches, string_rules, rule_errors);
criterion_main!(benches);
