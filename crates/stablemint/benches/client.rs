//! Client-side cost of a call, before the network: signing alone, and validate + sign +
//! serialize for a full request.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use stablemint::Validate;
use stablemint::types::EmbeddedSessionRequest;

fn full_request() -> EmbeddedSessionRequest {
    serde_json::from_value(json!({
        "userId": "user-8c1f",
        "userEmail": "jane.doe@example.com",
        "userCountryCode": "DE",
        "currency": "EUR",
        "amount": 125.5,
        "idempotencyKey": "0b7e0a6e-3f53-4b5e-9a53-0f6a7c1d2e3f",
        "websiteReference": "checkout-17",
        "userKyc": {
            "fullName": "Jane Doe",
            "citizenshipCountryCode": "AT",
            "residenceAddress": "Hauptstrasse 1, 10115 Berlin",
            "dateOfBirth": "1990-02-28",
            "placeOfBirth": "Vienna",
            "gender": "female",
            "mobilePhone": "+49 30 1234567",
            "personalIdentificationNumber": "ID-000000"
        },
        "customFields": {"orderId": "order-2026-0042"}
    }))
    .unwrap()
}

fn bench(c: &mut Criterion) {
    c.bench_function("signature", |b| {
        b.iter(|| {
            stablemint::signature(
                black_box(1_700_000_000),
                black_box("made-up-secret-d41d8cd9"),
                black_box("user-8c1f"),
            )
        })
    });

    let mut buffer = Vec::with_capacity(1024);
    // What `create_embedded_session` does before the network: validate, copy the
    // request and give it an idempotency key, sign, serialize.
    let mut request = full_request();
    request.idempotency_key = None;
    c.bench_function("pre_network/validate+key+sign+serialize", |b| {
        b.iter(|| {
            let request = black_box(&request);
            request.validate().unwrap();
            let mut body = request.clone();
            body.idempotency_key = Some(uuid::Uuid::new_v4().to_string());
            let signature =
                stablemint::signature(1_700_000_000, "made-up-secret-d41d8cd9", &body.user_id);
            buffer.clear();
            serde_json::to_writer(&mut buffer, &body).unwrap();
            black_box((&signature, &buffer));
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
