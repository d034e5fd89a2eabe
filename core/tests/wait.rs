//! `wait_for`: what its errors say about the operation, its deadline, and the caller's abort.

use std::time::{Duration, Instant};

use p100::{AbortSignal, Client, ErrorKind, Outcome, RequestOptions, RetryPolicy, WaitOptions};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key("k-wait")
        .base_url(server.uri())
        .timeout(Duration::from_secs(20))
        .retry_policy(RetryPolicy {
            max_retries: 1,
            initial_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(20),
        })
        .build()
        .unwrap()
}

async fn details(server: &MockServer, reply: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path("/v1/sepa-transfer/details/t1"))
        .respond_with(reply)
        .mount(server)
        .await;
}

fn pending() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"id": "t1", "amount": "1.00", "status": "PENDING"}))
}

/// A transfer with an id was accepted: a 404 of its details ends the wait, but the error says
/// the transfer happened (not "rejected", which would make reconcile answer not_found at once).
#[tokio::test]
async fn a_failed_details_request_ends_the_wait_with_outcome_accepted() {
    let server = MockServer::start().await;
    details(
        &server,
        ResponseTemplate::new(404)
            .set_body_json(json!({"errorCode": "P428", "errorMessage": "not found"})),
    )
    .await;
    let options = WaitOptions {
        interval: Duration::from_millis(10),
        ..WaitOptions::default()
    };
    let e = client(&server)
        .sepa()
        .wait_for("t1", options)
        .await
        .unwrap_err();
    assert_eq!((e.kind(), e.status()), (ErrorKind::Api, Some(404)));
    assert_eq!(e.outcome(), Outcome::Accepted);
}

/// An abort between two polls ends the wait at once, and says the transfer was accepted (not
/// "not_sent", which would invite sending it again). Bounds are far apart: 30 s pauses.
#[tokio::test]
async fn an_abort_between_polls_ends_the_wait_at_once_with_outcome_accepted() {
    let server = MockServer::start().await;
    details(&server, pending()).await;
    let signal = AbortSignal::new();
    let c = client(&server).with_options(RequestOptions {
        abort: Some(signal.clone()),
        ..Default::default()
    });
    let s = signal.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        s.abort();
    });
    let options = WaitOptions {
        timeout: Duration::from_secs(120),
        interval: Duration::from_secs(30),
        max_interval: Duration::from_secs(30),
    };
    let t = Instant::now();
    let e = c.sepa().wait_for("t1", options).await.unwrap_err();
    assert!(
        t.elapsed() < Duration::from_secs(10),
        "the abort waited {:?}",
        t.elapsed()
    );
    assert_eq!(
        (e.kind(), e.outcome()),
        (ErrorKind::Aborted, Outcome::Accepted)
    );
}

/// The wait's own timeout bounds a poll in progress: a details reply 30 s late (the client's
/// per-attempt timeout is 20 s) does not hold a 300 ms wait.
#[tokio::test]
async fn the_wait_timeout_bounds_a_poll_in_progress() {
    let server = MockServer::start().await;
    details(&server, pending().set_delay(Duration::from_secs(30))).await;
    let options = WaitOptions {
        timeout: Duration::from_millis(300),
        interval: Duration::from_millis(10),
        max_interval: Duration::from_millis(10),
    };
    let t = Instant::now();
    let e = client(&server)
        .sepa()
        .wait_for("t1", options)
        .await
        .unwrap_err();
    assert!(
        t.elapsed() < Duration::from_secs(10),
        "a 300 ms wait took {:?}",
        t.elapsed()
    );
    assert_eq!(
        (e.kind(), e.outcome()),
        (ErrorKind::Timeout, Outcome::Accepted)
    );
    // Accepted is never retryable: a retry around the transfer and its wait would pay twice
    // (outside review of the Rust API, stop 38); the message says what to do instead.
    assert!(!e.is_retryable(), "{e}");
    assert!(e.to_string().contains("do not send it again"), "{e}");
}

/// An empty id names no operation: the validation error says so, outcome `not_sent`, and
/// nothing is requested. It used to say `accepted`, as if an operation had been (outside review
/// of the Kotlin/Swift packages). An id refused only for its shape (a `/`) may still be one P100
/// gave: `accepted`, never an invitation to send the money again.
#[tokio::test]
async fn an_empty_id_is_not_sent_and_a_refused_shape_stays_accepted() {
    let server = MockServer::start().await;
    for (id, outcome) in [
        ("", Outcome::NotSent),
        (" ", Outcome::NotSent),
        ("a/b", Outcome::Accepted),
    ] {
        let e = client(&server)
            .sepa()
            .wait_for(id, WaitOptions::default())
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Validation, "{id:?}: {e}");
        assert_eq!(e.field(), Some("transferId"), "{id:?}: {e}");
        assert_eq!(e.outcome(), outcome, "{id:?}: {e}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}
