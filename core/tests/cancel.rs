//! A call whose future is dropped while its request is out (a timeout around it, a cancelled
//! task): the request may have been processed, so a call that changes something is kept for
//! `Client::take_cancelled` (outcome unknown, with its fingerprint) and logged. Reads, and calls
//! dropped before anything could be processed, are not kept.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use p100::log::{LogLevel, LogRecord, Logger};
use p100::models::*;
use p100::{Amount, Client, Currency, ErrorKind, Outcome, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Default)]
struct Records(Mutex<Vec<(String, Option<ErrorKind>)>>);

impl Logger for Records {
    fn log(&self, r: &LogRecord) {
        let mut v = self.0.lock().unwrap();
        v.push((r.operation.to_string(), r.error_kind));
    }
}

fn client(server: &MockServer, records: Arc<Records>) -> Client {
    Client::builder()
        .api_key("test-key-123")
        .base_url(server.uri())
        .retry_policy(RetryPolicy {
            max_retries: 2,
            initial_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
        })
        .log_level(Some(LogLevel::Warn))
        .logger(records)
        .build()
        .unwrap()
}

fn transfer() -> UserSepaTransferRequest {
    UserSepaTransferRequest {
        source_external_user_id: "user-1".into(),
        amount: Amount::parse("12.5").unwrap(),
        currency: Currency::Eur,
        destination_iban: "DE89370400440532013000".into(),
        transfer_title: "Invoice 1".into(),
        ..Default::default()
    }
}

/// A server that takes `delay` to answer every request (200 with `body`).
async fn slow(route: &str, verb: &str, delay: Duration, body: serde_json::Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(body)
                .set_delay(delay),
        )
        .mount(&server)
        .await;
    server
}

const SHORT: Duration = Duration::from_millis(300);

#[tokio::test]
async fn a_money_call_dropped_while_out_is_kept_with_its_fingerprint_and_logged() {
    let server = slow(
        "/v1/sepa-transfer",
        "POST",
        Duration::from_secs(5),
        json!({"transferId": "t1"}),
    )
    .await;
    let records = Arc::new(Records::default());
    let c = client(&server, records.clone());
    let clone = c.with_options(Default::default());
    let req = transfer();
    let cancelled = tokio::time::timeout(SHORT, c.sepa().user_transfer(&req)).await;
    assert!(cancelled.is_err(), "the call should still have been out");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);

    // Taken through a `with_options` client: the list is shared, and taking empties it.
    let kept = clone.take_cancelled();
    assert_eq!(kept.len(), 1, "{kept:?}");
    let e = &kept[0];
    assert_eq!(e.kind(), ErrorKind::Aborted);
    assert_eq!(e.outcome(), Outcome::Unknown);
    assert!(!e.is_retryable());
    assert_eq!(e.operation(), Some("sepa.user_transfer"));
    let fp = e.fingerprint().expect("a fingerprint to reconcile with");
    assert_eq!(fp.operation, "sepa.user_transfer");
    assert_eq!(
        fp.amount.as_ref().map(|a| a.to_string()).as_deref(),
        Some("12.50")
    );
    assert_eq!(fp.external_user_id.as_deref(), Some("user-1"));
    assert!(c.take_cancelled().is_empty());

    let logged = records.0.lock().unwrap().clone();
    let aborted = ("sepa.user_transfer".to_string(), Some(ErrorKind::Aborted));
    assert!(logged.contains(&aborted), "{logged:?}");
}

#[tokio::test]
async fn reads_and_finished_calls_are_not_kept() {
    let server = slow(
        "/v1/partner/balances",
        "GET",
        Duration::from_secs(5),
        json!({"fiatBalances": [], "cryptoBalances": []}),
    )
    .await;
    Mock::given(method("POST"))
        .and(path("/v1/sepa-transfer"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"transferId": "t1"})))
        .mount(&server)
        .await;
    let c = client(&server, Arc::default());
    assert!(tokio::time::timeout(SHORT, c.partner().balances())
        .await
        .is_err());
    c.sepa().user_transfer(&transfer()).await.unwrap();
    assert!(c.take_cancelled().is_empty());
}

#[tokio::test]
async fn a_money_call_dropped_while_waiting_to_retry_is_not_kept() {
    // A 429 is refused before processing: the call waits (Retry-After 2 s) to send it again,
    // and is dropped meanwhile. Nothing of it can have happened.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/sepa-transfer"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "2"))
        .mount(&server)
        .await;
    let c = client(&server, Arc::default());
    let req = transfer();
    let cancelled = tokio::time::timeout(SHORT, c.sepa().user_transfer(&req)).await;
    assert!(cancelled.is_err());
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    assert!(c.take_cancelled().is_empty());
}
