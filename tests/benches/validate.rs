//! Each rule alone, on a valid and an invalid input: `cargo bench -p stablemint-validate`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use stablemint_raw::types::EmbeddedSessionRequest;
use stablemint_validate::{
    Path, Validate, fits_precision, fraction_digits, is_alpha2, is_currency, is_date, is_email,
    is_positive, rules,
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

/// A full request of the generated type, every field set and valid (the workspace's
/// shared fixture).
fn valid_request() -> EmbeddedSessionRequest {
    serde_json::from_str(stablemint_tests::FULL_REQUEST_JSON)
        .expect("the fixture matches the generated type")
}

/// The same request with every validated field wrong.
fn invalid_request() -> EmbeddedSessionRequest {
    let mut request = valid_request();
    request.user_email = "jane.doe@@example.com".into();
    request.user_country_code = "de".into();
    request.currency = "HRK".into();
    request.amount = Some(-10.123);
    if let Some(kyc) = request.user_kyc.as_mut() {
        kyc.citizenship_country_code = Some("UK".into());
        kyc.date_of_birth = Some("1990-02-30".into());
    }
    request
}

/// Validating the generated request type of stablemint-raw, as the client does before
/// every call.
fn request(c: &mut Criterion) {
    let mut group = c.benchmark_group("request");
    let valid = valid_request();
    assert!(valid.validate().is_ok());
    group.bench_function("valid", |b| b.iter(|| black_box(&valid).validate()));
    let invalid = invalid_request();
    assert_eq!(invalid.validate().map_err(|e| e.len()), Err(6));
    group.bench_function("invalid", |b| b.iter(|| black_box(&invalid).validate()));
    group.finish();
}

criterion_group!(benches, string_rules, rule_errors, request);
criterion_main!(benches);
