//! Client-side cost of a call, before the network: signing alone, and validate + sign +
//! serialize for a full request.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use stablemint::Validate;
use stablemint::types::EmbeddedSessionRequest;

/// Every field set and valid: the workspace's shared fixture.
fn full_request() -> EmbeddedSessionRequest {
    serde_json::from_str(stablemint_tests::FULL_REQUEST_JSON)
        .expect("the fixture matches the generated type")
}

fn bench(c: &mut Criterion) {
    c.bench_function("signature", |b| {
        b.iter(|| {
            stablemint_wire::signature(
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
                stablemint_wire::signature(1_700_000_000, "made-up-secret-d41d8cd9", &body.user_id);
            buffer.clear();
            serde_json::to_writer(&mut buffer, &body).unwrap();
            black_box((&signature, &buffer));
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
