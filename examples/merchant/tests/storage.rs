//! The database: a locked one costs each request its own bounded wait and a 503 with
//! `Retry-After`, not a queue; one that cannot be written to is refused at start; the
//! migrations run once and orders survive a restart.

// The tests run the in-process sandbox: they need the `sandbox` feature (on by default).
#![cfg(feature = "sandbox")]

mod common;

use std::time::Duration;

use common::{App, form};
use merchant_example::store::{self, Database, PoolSettings};
use merchant_example::{RETRY_AFTER_SECS, StartError};
use sqlx::{Connection, Executor};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_database_answers_every_checkout_503_and_recovers() {
    let app = App::start_with(|config| {
        config.pool = PoolSettings {
            max_connections: 8,
            wait: Duration::from_secs(1),
        };
    })
    .await;
    let mut shoppers = Vec::new();
    let mut orders = Vec::new();
    for _ in 0..6 {
        let mut shopper = app.shopper();
        orders.push(shopper.new_order().await);
        shoppers.push(shopper);
    }

    // Another process holds the write lock, as `BEGIN EXCLUSIVE` in sqlite3 would.
    let path = app.dir.path().join("orders.db");
    let mut other = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    other.execute("BEGIN EXCLUSIVE").await.unwrap();

    let requests: Vec<_> = shoppers
        .iter()
        .zip(&orders)
        .map(|(shopper, order)| {
            let shopper = shopper.clone();
            let body = form(order);
            tokio::spawn(async move { shopper.checkout(&body).await })
        })
        .collect();
    for request in requests {
        let answer = request.await.unwrap();
        assert_eq!(answer.status, 503, "{}", answer.text);
        assert_eq!(answer.str("code"), "busy");
        assert_eq!(answer.json["retryable"], true);
        assert_eq!(
            answer.headers["retry-after"],
            RETRY_AFTER_SECS.to_string().as_str()
        );
        assert!(answer.str("supportReference").starts_with("SR-"));
        assert!(
            !answer.text.contains("database is locked"),
            "{}",
            answer.text
        );
    }
    assert_eq!(app.sandbox().requests_received(), 0);

    other.execute("ROLLBACK").await.unwrap();
    drop(other);
    for (shopper, order) in shoppers.iter().zip(&orders) {
        let answer = shopper.checkout(&form(order)).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
    }
    assert_eq!(app.sandbox().sessions_created(), 6);
    app.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_that_cannot_be_written_to_is_refused_at_start() {
    let app = App::start().await;
    let path = app.dir.path().join("orders.db");
    app.running.shutdown().await;

    let url = format!("sqlite://{}?mode=ro", path.display());
    let mut config = merchant_example::Config::new(
        Database::from_url(&url).unwrap(),
        merchant_example::StableMint::Sandbox(merchant_example::payments::SandboxOptions::new()),
    );
    config.addr = "127.0.0.1:0".parse().unwrap();
    let error = merchant_example::start(config).await.unwrap_err();
    assert!(
        matches!(
            &error,
            StartError::Database {
                source: store::StoreError::ReadOnly(_),
                ..
            }
        ),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("cannot be written to"), "{message}");
    assert!(message.contains("-wal or -shm"), "{message}");
    assert!(message.contains(&path.display().to_string()), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_survive_a_restart_and_the_migrations_run_once() {
    let dir = tempfile::tempdir().unwrap();
    let database = store::sqlite(dir.path().join("orders.db"));
    let first = store::Store::open(&database, PoolSettings::default())
        .await
        .unwrap();
    let cart = [merchant_example::catalog::CartItem {
        product_id: "ceramic-cup".into(),
        quantity: 2,
    }];
    let (order, lines) = first
        .create_order("ord_00000000000000000000000000000001", "h", &cart, 1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(order.total_minor, 3600);
    assert_eq!(lines.len(), 1);
    first.close().await;

    let again = store::Store::open(&database, PoolSettings::default())
        .await
        .unwrap();
    let stored = again.orders().await.unwrap();
    assert_eq!(stored, [order]);
    assert_eq!(again.products().await.unwrap().len(), 4);
    assert_eq!(
        again
            .lines("ord_00000000000000000000000000000001")
            .await
            .unwrap(),
        lines
    );
    again.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_url_that_is_neither_sqlite_nor_postgres_is_refused_with_the_forms_that_work() {
    let error = Database::from_url("mysql://shop@127.0.0.1/shop").unwrap_err();
    let message = error.to_string();
    assert!(message.contains("postgres://"), "{message}");
    assert!(message.contains("sqlite:"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_is_a_page_with_a_reference_when_the_catalog_cannot_be_read() {
    let app = App::start().await;
    // Someone broke the database under the running shop.
    let path = app.dir.path().join("orders.db");
    let mut other = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    other.execute("DROP TABLE order_lines").await.unwrap();
    other.execute("DROP TABLE products").await.unwrap();
    drop(other);
    let page = common::get(&app.running.url(), "/").await;
    assert_eq!(page.status, 500, "{}", page.text);
    assert_eq!(page.headers["content-type"], "text/html; charset=utf-8");
    assert!(
        page.text.contains("not available right now"),
        "{}",
        page.text
    );
    assert!(
        page.text.contains("Support reference: <code>SR-"),
        "{}",
        page.text
    );
    assert!(!page.text.contains("products"), "{}", page.text);
    app.running.shutdown().await;
}
