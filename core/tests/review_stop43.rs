//! Outside review of stop 43 (secrets): what a successful reply's request id, an unrecognised
//! webhook's type and a malformed card reply could still show. Each test failed before its fix.

use std::sync::{Arc, Mutex};

use p100::log::{LogLevel, LogRecord, Logger};
use p100::models::UpdatePinRequest;
use p100::transport::{BoxFuture, HttpRequest, HttpResponse, Transport, TransportError};
use p100::webhooks::WebhookEvent;
use p100::Client;

/// Answers every request with one reply.
#[derive(Debug)]
struct Fixed(u16, Vec<(String, String)>, &'static str);

impl Transport for Fixed {
    fn send(&self, _r: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let resp = HttpResponse {
            status: self.0,
            headers: self.1.clone(),
            body: self.2.as_bytes().to_vec(),
        };
        Box::pin(async move { Ok(resp) })
    }
}

#[derive(Default)]
struct Capture(Mutex<Vec<String>>);
impl Logger for Capture {
    fn log(&self, r: &LogRecord) {
        let line = format!("{r:?} {}", r.message());
        self.0.lock().unwrap().push(line);
    }
}

fn client(reply: Fixed, log: Arc<Capture>) -> Client {
    Client::builder()
        .api_key("sk_test_review_stop43_key_0123456789")
        .base_url("http://127.0.0.1:9")
        .transport(Arc::new(reply))
        .log_level(Some(LogLevel::Debug))
        .logger(log)
        .build()
        .unwrap()
}

/// A server whose request id echoes the PIN the call sent: neither `ResponseMeta` (every
/// binding's `recording()` / `lastResponse`) nor the success log record shows it, as errors
/// already did not.
#[tokio::test]
async fn a_successful_replys_request_id_never_shows_a_secret_the_call_sent() {
    let headers = vec![("x-request-id".to_string(), "7319".to_string())];
    let log = Arc::new(Capture::default());
    let c = client(Fixed(200, headers, "{}"), log.clone());
    let pin = UpdatePinRequest {
        external_user_id: "u1".into(),
        card_id: "c1".into(),
        pin: "7319".into(),
    };
    let r = c.with_response().cards().update_pin(&pin).await.unwrap();
    assert_eq!(r.response.request_id.as_deref(), Some("[REDACTED]"));
    let lines = log.0.lock().unwrap().join("\n");
    assert!(lines.contains("succeeded"), "{lines}");
    assert!(!lines.contains("7319"), "the PIN in a log record:\n{lines}");
}

/// The type of an unrecognised webhook is the sender's text: masked when parsed, so that every
/// language's printing of the event (Kotlin's data class `toString`, Python's `repr`, Node's
/// `console.log`) is safe, not only Rust's `Debug`.
#[test]
fn an_unknown_webhooks_type_is_masked_when_parsed() {
    for body in [
        r#"{"event_type":"card pan 4111111111111111 cvv=987","data":{"x":1}}"#,
        r#"{"eventType":"pin=7319","foo":1}"#,
    ] {
        let event = p100::webhooks::parse_event(body).unwrap();
        let WebhookEvent::Unknown {
            event_type: Some(t),
            ..
        } = &event
        else {
            panic!("not unknown: {event:?}");
        };
        for secret in ["4111111111111111", "987", "7319"] {
            assert!(!t.contains(secret), "{t}");
        }
    }
    // A type without secrets is kept as sent.
    let event = p100::webhooks::parse_event(r#"{"event_type":"card_status_v2","data":{}}"#);
    assert!(matches!(
        event.unwrap(),
        WebhookEvent::Unknown { event_type: Some(t), .. } if t == "card_status_v2"
    ));
}

/// A card-details reply the SDK cannot read keeps its raw body, masked: card numbers written
/// with escaped or other spaces, dots, or as a JSON number with a fraction, and CVVs under
/// other names, are masked there too.
#[tokio::test]
async fn a_malformed_card_reply_masks_numbers_and_cvvs_in_other_formats() {
    for body in [
        r#"{"x":"4111\u00201111\u00201111\u00201111"} x"#,
        r#"{"x":"4111\u00a01111\u00a01111\u00a01111"} x"#,
        "{\"x\":\"4111\u{a0}1111\u{a0}1111\u{a0}1111\"} x",
        "{\"x\":\"4111\u{202f}1111\u{202f}1111\u{202f}1111\"} x",
        r#"{"x":"4111.1111.1111.1111"} x"#,
        r#"{"x":4111111111111111.0} x"#,
        r#"{"cardNumber":"x","cvvNumber":"987"} x"#,
        r#"{"cvc_code":"987"} x"#,
        r#"{"cardVerificationValue":"987"} x"#,
    ] {
        let log = Arc::new(Capture::default());
        let c = client(Fixed(200, vec![], body), log);
        let e = c.cards().details("u1", "c1").await.unwrap_err();
        let raw = e.raw_body().unwrap_or_default().to_string();
        let everything = format!("{e} {e:?} {raw}");
        for secret in ["4111", "987"] {
            assert!(!everything.contains(secret), "{body}\n -> {everything}");
        }
    }
}

/// A fingerprint typed by hand or read back from storage with an operation outside the
/// catalog, or a time in the future, is refused naming the field, before any request (the CLI
/// answered `cannot_tell` for `"nope.nope"`, and a far-future time failed on a `year`).
#[tokio::test]
async fn a_fingerprint_with_an_unknown_operation_or_a_future_time_is_refused() {
    let log = Arc::new(Capture::default());
    let c = client(Fixed(500, vec![], "{}"), log.clone());
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let fp = p100::Fingerprint {
        operation: "nope.nope".into(),
        amount: Some("1.00".parse().unwrap()),
        currency: Some("eur".into()),
        destination: None,
        external_user_id: None,
        sent_at_ms: now_ms,
        title: None,
        network: None,
        accepted: false,
    };
    let e = c.reconcile_fingerprint(&fp).await.unwrap_err();
    assert_eq!(e.field(), Some("operation"), "{e}");
    let future = p100::Fingerprint {
        operation: "sepa.partner_transfer".into(),
        sent_at_ms: now_ms + 400 * 24 * 3600 * 1000,
        ..fp
    };
    let e = c.reconcile_fingerprint(&future).await.unwrap_err();
    assert_eq!(e.field(), Some("sentAtMs"), "{e}");
    assert!(log.0.lock().unwrap().is_empty(), "a request was sent");
}
