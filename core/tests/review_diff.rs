//! Review of the change set 50b874a..daf6249 (lenient error bodies, without_secret, the default
//! connect timeout, id_text, error_in_success). The tests of a leak, of a refused success
//! envelope, of the 429 with P500, of the numeric card id and of an id broken by a short key
//! failed on that change set; the others pin what it got right.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use p100::log::{LogLevel, LogRecord, Logger};
use p100::models::{CreateCardRequest, OrderCreated, TransferCreated};
use p100::transport::{BoxFuture, HttpRequest, HttpResponse, Transport, TransportError};
use p100::{Client, ErrorDetails, ErrorKind, Outcome, RetryPolicy};

#[allow(dead_code)] // this file uses only `sepa`
mod common;
use common::sepa;

const KEY: &str = "sk_live_51DiffReviewKEY0123456789abcdef";

/// Answers every request with the same reply; counts requests.
#[derive(Debug)]
struct Fixed {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    count: AtomicUsize,
}

impl Transport for Fixed {
    fn send(&self, _r: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        self.count.fetch_add(1, Ordering::SeqCst);
        let resp = HttpResponse {
            status: self.status,
            headers: self.headers.clone(),
            body: self.body.clone(),
        };
        Box::pin(async move { Ok(resp) })
    }
}

fn fixed(status: u16, headers: &[(&str, &str)], body: &str) -> Arc<Fixed> {
    Arc::new(Fixed {
        status,
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body: body.as_bytes().to_vec(),
        count: AtomicUsize::new(0),
    })
}

#[derive(Default)]
struct Capture(Mutex<Vec<String>>);
impl Logger for Capture {
    fn log(&self, r: &LogRecord) {
        self.0
            .lock()
            .unwrap()
            .push(format!("{r:?} {}", r.message()));
    }
}

fn client_with(t: Arc<Fixed>, key: &str) -> Client {
    Client::builder()
        .api_key(key)
        .base_url("http://127.0.0.1:9")
        .retry_policy(RetryPolicy {
            max_retries: 2,
            initial_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
        })
        .transport(t)
        .build()
        .unwrap()
}

fn everything(e: &p100::Error) -> String {
    let d = ErrorDetails::from(e);
    format!("{e} | {e:?} | {:?}", d.code)
}

// ----------------------------------------------------------------------------------------------
// without_secret misses
// ----------------------------------------------------------------------------------------------

/// The request id of a successful reply, as the `Succeeded` log record shows it, never holds
/// the key (as in `ResponseMeta` and errors).
#[tokio::test]
async fn the_request_id_of_a_success_log_record_hides_the_key() {
    let t = fixed(
        200,
        &[("x-request-id", &format!("echo x-api-key={KEY}"))],
        r#"{"a":1}"#,
    );
    let cap = Arc::new(Capture::default());
    let c = Client::builder()
        .api_key(KEY)
        .base_url("http://127.0.0.1:9")
        .transport(t)
        .log_level(Some(LogLevel::Debug))
        .logger(cap.clone())
        .build()
        .unwrap();
    c.request("GET", "/v1/partner/balances", None)
        .await
        .unwrap();
    let lines = cap.0.lock().unwrap().join("\n");
    assert!(!lines.is_empty());
    assert!(!lines.contains(KEY), "API key in a log record:\n{lines}");
}

/// An `errorCode` that echoes the key is not kept as a code (Display prints `[code]`, and
/// `ErrorDetails.code` reaches every binding).
#[tokio::test]
async fn an_error_code_echoing_the_key_is_dropped() {
    let body = format!(r#"{{"errorCode":"{KEY}","errorMessage":"bad key"}}"#);
    let t = fixed(400, &[], &body);
    let c = client_with(t, KEY);
    let e = c.partner().balances().await.unwrap_err();
    let all = everything(&e);
    assert!(!all.contains(KEY), "{all}");
}

/// A key with `/` (base64 alphabet) echoed in JSON written with `\/` escapes (PHP's default)
/// is replaced in the raw body too.
#[tokio::test]
async fn a_json_escaped_key_in_the_raw_body_is_replaced() {
    let key = "sk_live_ab/cd+ef0123456789XYZ";
    let escaped = key.replace('/', "\\/");
    let body = format!(r#"{{"errorCode":"P418","errorMessage":"no partner for key {escaped}"}}"#);
    let t = fixed(400, &[], &body);
    let c = client_with(t, key);
    let e = c.partner().balances().await.unwrap_err();
    let raw = e.raw_body().unwrap_or_default().to_string();
    let decoded: serde_json::Value = serde_json::from_str(&raw).unwrap();
    assert!(
        !decoded.to_string().contains(key) && !raw.contains(&escaped),
        "raw body still holds the key (JSON-escaped): {raw}"
    );
}

// ----------------------------------------------------------------------------------------------
// Outcomes
// ----------------------------------------------------------------------------------------------

/// A 2xx success envelope that carries a *success* code (`errorCode: 0` / `""`) and whose body
/// the model cannot read stays an `accepted` decode error (it happened, do not resend): only a
/// P-code makes a 2xx an error.
#[tokio::test]
async fn a_success_envelope_with_a_zero_or_empty_code_stays_accepted() {
    for body in [
        r#"{"errorCode":0,"errorMessage":"OK","data":{"transferId":"tr_1"}}"#,
        r#"{"errorCode":"","transferId":""}"#,
    ] {
        let t = fixed(200, &[], body);
        let c = client_with(t.clone(), KEY);
        let e = c.sepa().partner_transfer(&sepa()).await.unwrap_err();
        assert_eq!(t.count.load(Ordering::SeqCst), 1);
        assert_eq!(
            (e.kind(), e.outcome()),
            (ErrorKind::Decode, Outcome::Accepted),
            "{body}: {e:?} / {e}"
        );
        // Its fingerprint says so, for a reconciliation after a restart.
        assert!(e.fingerprint().is_some_and(|fp| fp.accepted), "{e:?}");
    }
}

/// A 429 whose body says P500 on a money call: the body wins, the call may have been processed
/// and is not sent again.
#[tokio::test]
async fn a_money_call_answered_429_with_a_p500_body_is_not_sent_again() {
    let t = fixed(
        429,
        &[],
        r#"{"errorCode":"P500","errorMessage":"Unknown exception"}"#,
    );
    let c = client_with(t.clone(), KEY);
    let e = c.sepa().partner_transfer(&sepa()).await.unwrap_err();
    assert_eq!(t.count.load(Ordering::SeqCst), 1, "sent again: {e:?}");
}

/// A card issue (money call, in CREATED_IDS) whose reply gives `cardId` as a number decodes (the
/// masked raw body of a decode error would have lost the id).
#[tokio::test]
async fn a_numeric_card_id_decodes() {
    let body =
        r#"{"cardId":123456789012345,"cardNumber":"4111111111111111","cvv":"123","exp":"12/29"}"#;
    let t = fixed(201, &[], body);
    let c = client_with(t, KEY);
    let req = CreateCardRequest {
        external_user_id: "u1".into(),
        label: "travel".into(),
        pin: "4812".into(),
    };
    match c.cards().create(&req).await {
        Ok(card) => assert_eq!(card.card_id, "123456789012345"),
        Err(e) => panic!(
            "card created but reply refused: {e:?}\nraw: {:?}",
            e.raw_body()
        ),
    }
}

// ----------------------------------------------------------------------------------------------
// id_text
// ----------------------------------------------------------------------------------------------

#[test]
fn id_text_numbers() {
    for (json, want) in [
        (
            r#"{"orderId":123456789012345678901234567890}"#,
            "123456789012345678901234567890",
        ),
        (r#"{"orderId":-5}"#, "-5"),
        (r#"{"orderId":1.50}"#, "1.50"),
        (r#"{"id":7}"#, "7"),
    ] {
        let o: OrderCreated = serde_json::from_str(json).unwrap();
        assert_eq!(o.order_id, want, "{json}");
    }
    for bad in [
        r#"{"transferId":{"pan":"4111111111111111"}}"#,
        r#"{"transferId":["4111111111111111"]}"#,
        r#"{"transferId":true}"#,
        r#"{"transferId":null}"#,
    ] {
        let e = serde_json::from_str::<TransferCreated>(bad)
            .unwrap_err()
            .to_string();
        assert!(!e.contains("4111"), "{e}");
    }
}

/// Through the client (decode + mask), a numeric id is kept exactly.
#[tokio::test]
async fn a_numeric_transfer_id_is_kept_exactly() {
    let t = fixed(200, &[], r#"{"transferId":4111111111111111}"#);
    let c = client_with(t, KEY);
    let r = c.sepa().partner_transfer(&sepa()).await.unwrap();
    assert_eq!(r.transfer_id, "4111111111111111");
}

// ----------------------------------------------------------------------------------------------
// The default connect timeout
// ----------------------------------------------------------------------------------------------

/// A TCP peer that accepts and never answers (a TLS handshake that never completes).
async fn silent_peer() -> (String, Arc<AtomicUsize>) {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://127.0.0.1:{}", l.local_addr().unwrap().port());
    let n = Arc::new(AtomicUsize::new(0));
    let seen = n.clone();
    tokio::spawn(async move {
        let mut keep = vec![];
        while let Ok((s, _)) = l.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
            keep.push(s);
        }
    });
    (url, n)
}

/// An explicit connect timeout holds whatever the per-call timeout: a longer per-call timeout
/// (a slow upload) gets the whole connect timeout, and a connection that never opened within it
/// is `not_sent`. (Only the *default* connect timeout follows the builder's timeout.)
#[tokio::test]
async fn an_explicit_connect_timeout_holds_for_a_longer_per_call_timeout() {
    let (url, _) = silent_peer().await;
    let c = Client::builder()
        .api_key(KEY)
        .base_url(&url)
        .timeout(Duration::from_millis(400))
        .connect_timeout(Duration::from_millis(1500))
        .max_retries(0)
        .build()
        .unwrap();
    let long = c.with_options(p100::RequestOptions {
        timeout: Some(Duration::from_secs(3)),
        ..Default::default()
    });
    let t0 = Instant::now();
    let e = long.sepa().partner_transfer(&sepa()).await.unwrap_err();
    let took = t0.elapsed();
    assert!(
        took >= Duration::from_millis(1400),
        "gave up connecting after {took:?}: {e}"
    );
    assert_eq!(e.outcome(), Outcome::NotSent, "{e:?}");
}

/// The builder's timeout (500 ms) is shorter than the default connect timeout (10 s): the
/// default connect timeout becomes 3/4 of it, so a money call whose connection never opened is
/// `not_sent`, not `unknown`.
#[tokio::test]
async fn builder_short_timeout_money_call_never_connected_is_not_sent() {
    let (url, _) = silent_peer().await;
    let c = Client::builder()
        .api_key(KEY)
        .base_url(&url)
        .timeout(Duration::from_millis(500))
        .max_retries(0)
        .build()
        .unwrap();
    let e = c.sepa().partner_transfer(&sepa()).await.unwrap_err();
    assert_eq!(e.outcome(), Outcome::NotSent, "{e:?}");
}

#[tokio::test]
async fn an_empty_code_and_an_empty_id_stay_accepted() {
    let t = fixed(200, &[], r#"{"errorCode":"","transferId":""}"#);
    let c = client_with(t, KEY);
    let e = c.sepa().partner_transfer(&sepa()).await.unwrap_err();
    assert_eq!(
        (e.kind(), e.outcome()),
        (ErrorKind::Decode, Outcome::Accepted),
        "{e:?}"
    );
}

/// A short key that happens to be part of an id is not replaced (only keys of 16 characters or
/// more are): the accepted error's raw body, where the id of an operation that happened is
/// kept, keeps the id whole.
#[tokio::test]
async fn a_short_key_inside_an_id_leaves_the_id_whole() {
    let key = "acme2026";
    // An empty `id` makes the reply unusable: an accepted decode error with the raw body.
    let t = fixed(
        200,
        &[("x-request-id", "req-acme2026-1")],
        r#"{"id":"","transferId":"tr_acme2026_000042"}"#,
    );
    let c = client_with(t, key);
    let e = c.sepa().partner_transfer(&sepa()).await.unwrap_err();
    let raw = e.raw_body().unwrap_or_default();
    assert!(raw.contains("tr_acme2026_000042"), "id lost: {raw}");
}

/// A TLS handshake that fails (here: the peer answers the ClientHello in plain HTTP; a bad or
/// self-signed certificate fails at the same step) sent no request byte: `not_sent`, retryable,
/// nothing to reconcile. (The npm package's transport reported it `unknown` until
/// `review_wire.test.mjs` "a TLS handshake that fails".)
#[tokio::test]
async fn a_tls_handshake_that_fails_is_not_sent() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://127.0.0.1:{}", l.local_addr().unwrap().port());
    let read = Arc::new(Mutex::new(Vec::new()));
    let seen = read.clone();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            let mut buf = [0u8; 4096];
            let n = s.read(&mut buf).await.unwrap_or(0);
            seen.lock().unwrap().extend_from_slice(&buf[..n]);
            let _ = s
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}")
                .await;
            let _ = s.shutdown().await;
        }
    });
    let c = Client::builder()
        .api_key(KEY)
        .base_url(&url)
        .timeout(Duration::from_secs(3))
        .max_retries(0)
        .build()
        .unwrap();
    let e = c.sepa().partner_transfer(&sepa()).await.unwrap_err();
    assert_eq!(e.outcome(), Outcome::NotSent, "{e:?}");
    assert!(e.is_retryable(), "{e:?}");
    assert!(e.fingerprint().is_none(), "{e:?}");
    let read = read.lock().unwrap().clone();
    assert_eq!(read.first(), Some(&22), "a TLS ClientHello, not a request");
}

// ----------------------------------------------------------------------------------------------
// Secrets the call itself sent, quoted back in a server's free text
// ----------------------------------------------------------------------------------------------

/// A server that quotes the PIN it was sent (`"pin 5555 is too simple"`) in its message or in a
/// validation list gets it into no error: not the message, not `Display`/`Debug`, not the raw
/// body. No key name marks a value inside free text, so the SDK removes the values it sent.
#[tokio::test]
async fn a_pin_quoted_back_in_free_text_is_redacted() {
    let body = r#"{"code":"P403","message":"pin 5555 is too simple","errors":[{"field":"pin","rejectedValue":"5555"}]}"#;
    let c = client_with(fixed(400, &[], body), KEY);
    let req = CreateCardRequest {
        external_user_id: "u1".into(),
        label: "Travel".into(),
        pin: "5555".into(),
    };
    let e = c.cards().create(&req).await.unwrap_err();
    let shown = format!(
        "{} | {e:?} | {}",
        everything(&e),
        e.raw_body().unwrap_or("")
    );
    assert!(!shown.contains("5555"), "{shown}");
    assert!(e.message().contains("pin [REDACTED] is too simple"), "{e}");
}

/// The same for a document number and a date of birth quoted in a Spring-style error list,
/// while an id that merely contains the same digits survives.
#[tokio::test]
async fn document_numbers_and_birth_dates_quoted_back_are_redacted_but_ids_stay() {
    let body = r#"{"code":"P403","message":"invalid user","errors":[{"field":"documentNumber","value":"XY1234567"},{"field":"birthDate","rejectedValue":"1990-05-17"},{"note":"ref REFXY1234567Z"}]}"#;
    let c = client_with(fixed(400, &[], body), KEY);
    let req = p100::models::CreateUserRequest {
        external_user_id: "u1".into(),
        email: "jan@example.pl".into(),
        phone: "486012334567".into(),
        first_name: "Jan".into(),
        last_name: "Kowalski".into(),
        city: "Warszawa".into(),
        post_code: "00-001".into(),
        country: "PL".into(),
        citizenship: "PL".into(),
        document_number: Some("XY1234567".into()),
        document_type: Some("ID_CARD".into()),
        birth_date: Some("1990-05-17".into()),
        ..Default::default()
    };
    let e = c.users().create(&req).await.unwrap_err();
    let raw = e.raw_body().unwrap_or("").to_string();
    let shown = format!("{} | {e:?} | {raw}", everything(&e));
    assert!(!shown.contains("\"XY1234567\""), "{shown}");
    assert!(!shown.contains("1990-05-17"), "{shown}");
    // Inside a longer token it is not the value sent: left as the server wrote it.
    assert!(raw.contains("REFXY1234567Z"), "{raw}");
}

// ----------------------------------------------------------------------------------------------
// Outside review of money safety (stop 35)
// ----------------------------------------------------------------------------------------------

/// A refusal body that ends before its JSON does (`{"errorCode":"P50`: a reply without a
/// length, ended by the connection's close, is complete to the transport) may have been a
/// P500, which P100 sends with HTTP 400: after a write it is `unknown`, not a refusal. It was
/// `rejected`, and `reconcile` answers `not_found` for a refusal without reading the history.
#[tokio::test]
async fn a_refusal_cut_short_after_a_write_is_unknown() {
    for body in [
        r#"{"errorCode":"P50"#,
        r#"{"errorCode":"P500","errorMess"#,
        "[{\"a\":",
    ] {
        let t = fixed(400, &[], body);
        let c = client_with(t.clone(), KEY);
        let e = c.sepa().partner_transfer(&sepa()).await.unwrap_err();
        assert_eq!(e.outcome(), Outcome::Unknown, "{body}: {e:?}");
        assert!(
            e.fingerprint().is_some_and(|fp| !fp.accepted),
            "{body}: {e:?}"
        );
        assert_eq!(t.count.load(Ordering::SeqCst), 1, "sent again: {e:?}");
    }
    // A complete body that is no P100 error, and an empty body, stay refusals.
    for body in ["", "Bad Request", r#"{"message":"bad"}"#] {
        let c = client_with(fixed(400, &[], body), KEY);
        let e = c.sepa().partner_transfer(&sepa()).await.unwrap_err();
        assert_eq!(e.outcome(), Outcome::Rejected, "{body:?}: {e:?}");
    }
}

/// A P403 message that starts with the value sent (`"7319 is not a valid pin"`, a
/// class-validator style) gave the error the field `7319`: the PIN in `e.field()`, `Debug` and
/// every binding's `field`. The value is scrubbed from the message and no field is read from
/// it.
#[tokio::test]
async fn a_p403_message_starting_with_the_pin_gives_no_field() {
    let body = r#"{"errorCode":"P403","errorMessage":"7319 is not a valid pin"}"#;
    let c = client_with(fixed(400, &[], body), KEY);
    let req = CreateCardRequest {
        external_user_id: "u1".into(),
        label: "Travel".into(),
        pin: "7319".into(),
    };
    let e = c.cards().create(&req).await.unwrap_err();
    assert_ne!(e.field(), Some("7319"), "{e:?}");
    let details = ErrorDetails::from(&e);
    let shown = format!(
        "{} | {:?} | {:?}",
        everything(&e),
        details.field,
        details.reason
    );
    assert!(!shown.contains("7319"), "{shown}");
}

/// The escape hatch (`request()`) decodes any JSON, so a 2xx whose body is a P100 error was a
/// success there, while the typed call reports it. A write stays `unknown` (it may have
/// happened), a read is the API's error.
#[tokio::test]
async fn request_reports_a_2xx_whose_body_is_a_p100_error() {
    let body = r#"{"errorCode":"P500","errorMessage":"Unknown exception"}"#;
    let c = client_with(fixed(200, &[], body), KEY);
    let payload = serde_json::json!({"amount": "1.00"});
    let e = c
        .request("POST", "/v1/partner/sepa-transfer", Some(&payload))
        .await
        .unwrap_err();
    assert_eq!(e.outcome(), Outcome::Unknown, "{e:?}");
    assert_eq!(
        e.code().map(|c| c.as_str().to_string()).as_deref(),
        Some("P500")
    );
    // A read: the server's failure, as the same code in a 4xx, and retryable.
    let e = c
        .request("GET", "/v1/partner/balances", None)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unavailable, "{e:?}");
    assert!(e.is_retryable(), "{e:?}");
    // A reply that merely mentions the name is no error; nor is the documented 202 P211
    // ("POA pending") of a proof-of-address upload.
    let ok = r#"{"note":"errorCode","errorCode":0}"#;
    let c = client_with(fixed(200, &[], ok), KEY);
    assert!(c.request("GET", "/v1/partner/balances", None).await.is_ok());
    let pending = r#"{"errorCode":"P211","errorMessage":"POA pending"}"#;
    let c = client_with(fixed(202, &[], pending), KEY);
    let v = c
        .request("POST", "/v1/user/poa-files/u1", Some(&payload))
        .await
        .expect("202 P211 is a success");
    assert_eq!(v["errorCode"], "P211");
}
