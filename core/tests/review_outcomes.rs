//! Outside review: how the outcome of a money-moving call is classified.
//!
//! Every test here failed before the fix: each showed a money-moving call reported `rejected`
//! (which `Client::reconcile` turns into "not found: it did not happen", without a request)
//! although P100 may have carried it out, or a 2xx reported as a plain success although its
//! reply held no usable id. The rule (DESIGN.md principles 6–7, `Outcome` docs in
//! core/src/error.rs): `Rejected` only when "a reply said no"; a call that may have been
//! processed is `Unknown` (or `Accepted` for a 2xx) and carries its fingerprint.
//!
//! Facts used: P100 answers `P500` ("unknown exception") and `P501` ("service temporarily
//! unavailable") with **HTTP 400** (shared/p100-api/00-integration.md, error table; the core's own
//! `ErrorCode` docs say the same), and the core itself maps them to outcome `Unknown`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use p100::client::Reconciliation;
use p100::transport::{
    BodyFailure, BoxFuture, HttpRequest, HttpResponse, Transport, TransportError,
};
use p100::{Client, ErrorKind, Outcome};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

mod common;
use common::{client_at, peer, retry, sepa};

/// Asserts the money-safety rule for an error of a money-moving call that may have happened.
async fn assert_may_have_happened(c: &Client, e: &p100::Error, what: &str) {
    assert_ne!(
        e.outcome(),
        Outcome::Rejected,
        "{what}: reported `rejected` (nothing happened) although P100 may have executed it: {e:?}"
    );
    assert_ne!(e.outcome(), Outcome::NotSent, "{what}: {e:?}");
    assert!(!e.is_retryable(), "{what}: {e:?}");
    assert!(
        e.fingerprint().is_some(),
        "{what}: no fingerprint to reconcile with: {e:?}"
    );
    // What the caller is told to do next: reconcile. For a `rejected` error it answers
    // "not found" without asking P100 — the caller then sends the transfer again.
    let r = c.reconcile_outcome(e.outcome(), e.fingerprint()).await.ok();
    assert_ne!(
        r,
        Some(Reconciliation::NotFound),
        "{what}: reconcile says it did not happen without checking"
    );
}

/// A 400 whose body was cut short: P100 sends its P500 ("unknown exception", the call may have
/// been processed) and P501 with HTTP 400, so a 400 whose body is lost cannot be told from a
/// P500: the call may have happened (it was reported `rejected`).
#[tokio::test]
async fn money_call_400_with_body_cut_short_is_unknown() {
    let body = r#"{"errorCode":"P50"#; // the rest of `{"errorCode":"P500",...}` never arrives
    let reply = format!(
        "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 120\r\n\r\n{body}"
    );
    let (url, count) = peer(reply.into_bytes(), Duration::ZERO).await;
    let c = client_at(&url, Duration::from_secs(3));
    let e = c.sepa().partner_transfer(&sepa()).await.unwrap_err();
    assert_eq!(count.load(Ordering::SeqCst), 1, "never sent twice");
    assert_eq!(e.status(), Some(400));
    assert_may_have_happened(&c, &e, "400 with its body cut short").await;
    assert_eq!(
        (e.outcome(), e.kind()),
        (Outcome::Unknown, ErrorKind::Network),
        "{e:?}"
    );
    // A read answered the same way is still a refusal: nothing can be duplicated.
    let read = c.partner().balances().await.unwrap_err();
    assert_eq!(read.outcome(), Outcome::Rejected, "{read:?}");
}

/// The same, when the 400's body stops arriving and the deadline passes (BodyFailure::Timeout).
#[tokio::test]
async fn money_call_400_whose_body_times_out_is_unknown() {
    let reply = "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 120\r\n\r\n{\"errorCode\":";
    let (url, _count) = peer(reply.as_bytes().to_vec(), Duration::from_secs(5)).await;
    let c = client_at(&url, Duration::from_millis(800));
    let e = c.sepa().partner_transfer(&sepa()).await.unwrap_err();
    assert_eq!(e.status(), Some(400));
    assert_may_have_happened(&c, &e, "400 whose body timed out").await;
    assert_eq!(
        (e.outcome(), e.kind()),
        (Outcome::Unknown, ErrorKind::Timeout),
        "{e:?}"
    );
}

/// A transport that answers every request with one fixed response.
#[derive(Debug)]
struct Fixed(u16, Arc<AtomicUsize>);

impl Transport for Fixed {
    fn send(&self, _r: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        self.1.fetch_add(1, Ordering::SeqCst);
        let status = self.0;
        Box::pin(async move {
            Ok(HttpResponse {
                status,
                headers: vec![],
                body: vec![],
            })
        })
    }
}

/// A transport whose 400 reply breaks with words holding a card number: the words are masked
/// in the error, as in the 2xx case.
#[derive(Debug)]
struct CutWithCard;

impl Transport for CutWithCard {
    fn send(&self, _r: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async {
            Err(TransportError::Body {
                response: HttpResponse {
                    status: 400,
                    headers: vec![],
                    body: br#"{"errorCode":"P5"#.to_vec(),
                },
                failure: BodyFailure::Broken("reset after card 4111111111111111".into()),
            })
        })
    }
}

#[tokio::test]
async fn a_lost_refusal_body_masks_the_transport_words() {
    let c = Client::builder()
        .api_key("test-key")
        .base_url("http://127.0.0.1:9")
        .transport(Arc::new(CutWithCard))
        .build()
        .unwrap();
    let e = c.sepa().partner_transfer(&sepa()).await.unwrap_err();
    assert_eq!(e.outcome(), Outcome::Unknown, "{e:?}");
    for text in [e.to_string(), format!("{e:?}")] {
        assert!(!text.contains("4111111111111111"), "{text}");
        assert!(text.contains("1111"), "the last four digits stay: {text}");
    }
}

/// A reply whose status is not a final 4xx refusal — `102 Processing` (the server says it is
/// working on it), `103`, or `0` (what the npm binding builds when the JS reply carries no
/// readable status: `bindings-wasm/src/transport.rs`, `reply.status().unwrap_or(0)`) — falls to
/// the catch-all of `error_from_response` (it was reported `rejected` for a money call).
#[tokio::test]
async fn money_call_with_a_non_final_or_missing_status_is_unknown() {
    for status in [0u16, 102, 103] {
        let n = Arc::new(AtomicUsize::new(0));
        let c = Client::builder()
            .api_key("test-key")
            .base_url("http://127.0.0.1:9")
            .retry_policy(retry())
            .transport(Arc::new(Fixed(status, n.clone())))
            .build()
            .unwrap();
        let e = c.sepa().partner_transfer(&sepa()).await.unwrap_err();
        assert_eq!(n.load(Ordering::SeqCst), 1);
        assert_may_have_happened(&c, &e, &format!("HTTP {status}")).await;
        assert_eq!(e.outcome(), Outcome::Unknown, "HTTP {status}: {e:?}");
    }
}

/// 499 ("client closed request", nginx and other proxies): an intermediary forwarded the request
/// and its own client went away while P100 was working on it (it was reported `rejected`).
#[tokio::test]
async fn money_call_answered_499_is_unknown() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(499))
        .mount(&server)
        .await;
    let c = client_at(&server.uri(), Duration::from_secs(3));
    let e = c.sepa().partner_transfer(&sepa()).await.unwrap_err();
    assert_may_have_happened(&c, &e, "HTTP 499").await;
    assert_eq!((e.outcome(), e.status()), (Outcome::Unknown, Some(499)));
}

/// A 2xx to a money call whose id is empty (`{"transferId":""}`) was returned as a success: the
/// caller held an id it could follow nowhere (`wait_for("")` is refused) and no fingerprint.
/// Now an `accepted` error with the raw body and the fingerprint, like `{"transferId":null}`.
#[tokio::test]
async fn money_call_2xx_with_an_empty_id_is_an_accepted_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"transferId": ""})))
        .mount(&server)
        .await;
    let c = client_at(&server.uri(), Duration::from_secs(3));
    match c.sepa().partner_transfer(&sepa()).await {
        Ok(created) => panic!(
            "accepted with an unusable id {:?}: no error, no fingerprint",
            created.transfer_id
        ),
        Err(e) => {
            assert_eq!(e.outcome(), Outcome::Accepted, "{e:?}");
            assert!(e.fingerprint().is_some());
            assert!(e.message().contains("transferId"), "{e}");
            assert_eq!(e.raw_body(), Some(r#"{"transferId":""}"#));
        }
    }
    // Only a write's reply: a read with an empty id is what it is.
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": ""})))
        .mount(&server)
        .await;
    let read = c.request("GET", "/v1/partner/balances", None).await;
    assert_eq!(read.unwrap(), json!({"id": ""}));
}

/// The reviewer's two doubtful forms of a server failure in a 400: a body that starts with a
/// byte-order mark, and an `errorCode` written as a number or as bare digits. Each was read as a
/// plain refusal (`rejected`) of the money call; they are P500 and the call may have happened.
/// A refusal in the same forms (P433 as `433`) stays a refusal with its code, and a 2xx body
/// with a byte-order mark decodes.
#[tokio::test]
async fn a_p500_with_a_byte_order_mark_or_a_numeric_code_is_unknown() {
    let bom = "\u{feff}{\"errorCode\":\"P500\",\"errorMessage\":\"unknown exception\"}";
    let failures = [
        bom.to_string(),
        r#"{"errorCode":500,"errorMessage":"unknown exception"}"#.to_string(),
        r#"{"errorCode":"500"}"#.to_string(),
    ];
    for body in failures {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(400).set_body_string(body.clone()))
            .mount(&server)
            .await;
        let c = client_at(&server.uri(), Duration::from_secs(3));
        let e = c.sepa().partner_transfer(&sepa()).await.unwrap_err();
        assert_may_have_happened(&c, &e, &body).await;
        assert_eq!(e.outcome(), Outcome::Unknown, "{body}: {e:?}");
        assert_eq!(e.code().map(|c| c.as_str()), Some("P500"), "{body}");
        let sent = server.received_requests().await.unwrap();
        let posts = sent.iter().filter(|r| r.method.as_str() == "POST").count();
        assert_eq!(posts, 1, "{body}: sent again");
    }

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_string(r#"{"errorCode":433}"#))
        .mount(&server)
        .await;
    let c = client_at(&server.uri(), Duration::from_secs(3));
    let e = c.sepa().partner_transfer(&sepa()).await.unwrap_err();
    assert_eq!(e.outcome(), Outcome::Rejected, "{e:?}");
    assert_eq!(e.code().map(|c| c.as_str()), Some("P433"));

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string("\u{feff}{\"transferId\":\"t-1\"}"),
        )
        .mount(&server)
        .await;
    let c = client_at(&server.uri(), Duration::from_secs(3));
    let created = c.sepa().partner_transfer(&sepa()).await.unwrap();
    assert_eq!(created.transfer_id, "t-1");
}
