//! `Date` from the mock's clock and a fresh request id on every answer, errors included.

use std::collections::HashSet;
use std::time::{Duration, SystemTime};

use stablemint::{Client, Credentials};
use stablemint_mock::{Fault, MockConfig, MockServer};
use stablemint_wire::headers::REQUEST_ID as REQUEST_ID_HEADER;

use crate::support::*;

/// The one `Date` of `response`, as Unix seconds; and its one request id.
fn date_and_id(response: &reqwest::Response) -> (u64, String) {
    let dates: Vec<_> = response.headers().get_all("date").iter().collect();
    assert_eq!(dates.len(), 1, "{dates:?}");
    let date = httpdate::parse_http_date(dates[0].to_str().unwrap()).unwrap();
    let seconds = date
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let ids: Vec<_> = response
        .headers()
        .get_all(REQUEST_ID_HEADER)
        .iter()
        .collect();
    assert_eq!(ids.len(), 1, "{ids:?}");
    (seconds, ids[0].to_str().unwrap().to_owned())
}

#[tokio::test]
async fn every_answer_has_the_mock_clock_and_a_new_request_id() {
    // NOW is in 2023, far from the system clock, so hyper's date would stand out.
    let server = start().await;
    server.fail_next(1, Fault::Status(503)).unwrap();
    server
        .fail_next(1, Fault::Delay(Duration::from_millis(1)))
        .unwrap();
    let calls = [
        (Call::signed(&valid_body()), 503),
        (Call::signed(&valid_body()), 200),
        (Call::signed(&valid_body()), 200),
        (Call::signed(&valid_body()).header("signature", "0"), 401),
        (Call::signed(&valid_body()).without("api_key"), 401),
        (Call::signed_at(&valid_body(), NOW - 3600), 401),
        (Call::signed(&valid_body()).without("content-type"), 415),
        (Call::signed(&valid_body()).body("{"), 400),
        (Call::signed(&valid_body()).path(&unknown_path()), 404),
        (Call::signed(&valid_body()).method("GET"), 405),
        (
            Call::signed(&valid_body()).header("x-big", "a".repeat(40_000)),
            431,
        ),
    ];
    let mut ids = HashSet::new();
    for (call, status) in calls {
        let response = call.send(&server).await;
        assert_eq!(response.status(), status);
        let (date, id) = date_and_id(&response);
        assert_eq!(date, NOW, "{status}");
        let hex = id.strip_prefix("req_").unwrap_or_else(|| panic!("{id}"));
        assert_eq!(hex.len(), 16, "{id}");
        assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
        assert!(ids.insert(id), "a request id came twice");
    }
}

#[tokio::test]
async fn dates_follow_the_clock() {
    let (clock, config) = Clock::config();
    let server = MockServer::start(config).await.unwrap();
    let response = Call::signed(&valid_body()).send(&server).await;
    assert_eq!(date_and_id(&response).0, NOW);
    clock.advance(86_400 * 365);
    let response = Call::signed(&valid_body()).send(&server).await;
    assert_eq!(response.status(), 401);
    assert_eq!(date_and_id(&response).0, NOW + 86_400 * 365);
    assert_eq!(
        response.headers()["date"],
        "Wed, 13 Nov 2024 22:13:20 GMT",
        "IMF-fixdate"
    );
}

#[tokio::test]
async fn clocks_outside_what_http_dates_can_say_do_not_panic() {
    for (clock, expected) in [
        (
            SystemTime::UNIX_EPOCH - Duration::from_secs(86_400),
            "Thu, 01 Jan 1970 00:00:00 GMT",
        ),
        (
            SystemTime::UNIX_EPOCH + Duration::from_secs(400_000_000_000),
            "Fri, 31 Dec 9999 23:59:59 GMT",
        ),
    ] {
        let server = MockServer::start(MockConfig::new(KEY, SECRET).clock(move || clock))
            .await
            .unwrap();
        let response = Call::signed(&valid_body()).send(&server).await;
        assert_eq!(response.headers()["date"], expected);
        error(response, 401, "stale_timestamp").await;
    }
}

/// The client corrects its clock from the 401's `Date` and gets its session: the mock's
/// clock is an hour from this machine's.
#[tokio::test]
async fn a_client_corrects_its_clock_from_the_date_of_a_401() {
    let ahead = SystemTime::now() + Duration::from_secs(3600);
    let server = MockServer::start(MockConfig::new(KEY, SECRET).clock(move || ahead))
        .await
        .unwrap();
    let client = Client::builder(Credentials::new(KEY, SECRET))
        .base_url(&server.base_url())
        .build()
        .unwrap();
    let request = stablemint::request_from_json(&valid_body().to_string()).unwrap();
    let session = client.create_embedded_session(&request).await.unwrap();
    assert!(session.request_id().unwrap().starts_with("req_"));
    assert_eq!(server.requests_received(), 2);
    assert_eq!(server.sessions_created(), 1);
    let offset = client.clock_offset();
    assert!((offset - 3600).abs() < 600, "{offset}");
}

/// A mock whose clock is years from this machine's is not believed: the client does
/// not move its clock, and says why.
#[tokio::test]
async fn a_clock_years_away_is_named_not_learned() {
    let server = start().await;
    let client = Client::builder(Credentials::new(KEY, SECRET))
        .base_url(&server.base_url())
        .build()
        .unwrap();
    let request = stablemint::request_from_json(&valid_body().to_string()).unwrap();
    let error = client.create_embedded_session(&request).await.unwrap_err();
    assert_eq!(error.status(), Some(401));
    assert_eq!(error.attempts(), 1);
    assert_eq!(client.clock_offset(), 0);
    assert!(error.to_string().contains("more than a day"), "{error}");
    assert_eq!(server.requests_received(), 1);
}
