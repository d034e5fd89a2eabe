//! Review of the crate as Rust users call it (stop 41).

use std::time::Duration;

use p100::{Client, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A call's future does not borrow the temporary group (`client.sepa()`): it can be stored,
/// joined and collected. Before, `let f = client.sepa().details(id);` did not compile (E0716:
/// the methods took `&self` of the temporary).
#[tokio::test]
async fn a_call_future_outlives_its_temporary_group() {
    let server = MockServer::start().await;
    for id in ["t1", "t2"] {
        Mock::given(method("GET"))
            .and(path(format!("/v1/sepa-transfer/details/{id}")))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"id": id, "amount": "1.00", "status": "PENDING"})),
            )
            .mount(&server)
            .await;
    }
    let client = Client::builder()
        .api_key("k-rust-api")
        .base_url(server.uri())
        .timeout(Duration::from_secs(20))
        .retry_policy(RetryPolicy {
            max_retries: 0,
            initial_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(20),
        })
        .build()
        .unwrap();

    let stored = client.sepa().details("t1");
    let (a, b) = tokio::join!(stored, client.sepa().details("t2"));
    assert_eq!(a.unwrap().id, "t1");
    assert_eq!(b.unwrap().id, "t2");

    let ids = ["t1", "t2"];
    let all = futures_util::future::join_all(ids.iter().map(|id| client.sepa().details(id))).await;
    assert_eq!(all.len(), 2);
    assert!(all.iter().all(Result::is_ok));

    let with_meta = client.with_response().sepa().details("t2");
    assert_eq!(with_meta.await.unwrap().data.id, "t2");
}

/// The public types a Rust user prints or boxes: `Debug` everywhere (`ErrorDetails` holds no
/// secret: its raw body is a `SecretString`), and a custom transport's error is a
/// `std::error::Error` (for `?` into `Box<dyn Error>`/anyhow).
#[test]
fn public_types_print_and_box() {
    let e = p100::Error::validation("amount", "not an amount");
    let details = format!("{:?}", p100::error::ErrorDetails::from(&e));
    assert!(
        details.contains("ErrorDetails") && details.contains("amount"),
        "{details}"
    );
    let boxed: Box<dyn std::error::Error> = Box::new(p100::transport::TransportError::Timeout);
    assert_eq!(boxed.to_string(), "timed out");
    let logger = p100::log::MemoryLogger::default();
    assert_eq!(format!("{logger:?}"), "MemoryLogger { records: 0 }");
}

/// The escape hatch with a `null` body sends no body and no content type, as with no body:
/// Node's `request("POST", path, null)` sent the JSON text `null` (Python and Kotlin sent
/// nothing).
#[tokio::test]
async fn the_escape_hatch_sends_no_body_for_null() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/partner/wallet"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key("k-rust-api")
        .base_url(server.uri())
        .build()
        .unwrap();
    client
        .request("POST", "/v1/partner/wallet", Some(&serde_json::Value::Null))
        .await
        .unwrap();
    client
        .request("POST", "/v1/partner/wallet", Some(&json!({"a": 1})))
        .await
        .unwrap();
    let got = server.received_requests().await.unwrap();
    assert_eq!(got.len(), 2);
    assert!(
        got[0].body.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&got[0].body)
    );
    assert!(got[0].headers.get("content-type").is_none());
    assert_eq!(got[1].body, br#"{"a":1}"#);
}

/// `Currency::Unknown("EUR")` (what Swift and Kotlin build from text: their enums have no
/// parser) is refused naming the case to use; it was refused as "SEPA transfers are in eur
/// only" or as an unsupported currency, which contradicts the value given.
#[test]
fn a_known_currency_given_as_unknown_is_refused_saying_which_case_to_use() {
    use p100::models::PartnerSepaTransferRequest;
    use p100::models::Validate;
    use p100::{Amount, Currency};
    let sepa = PartnerSepaTransferRequest {
        amount: Amount::parse("25.00").unwrap(),
        currency: Currency::Unknown("EUR".into()),
        destination_iban: "DE89370400440532013000".into(),
        transfer_title: "Invoice 2026-11".into(),
        ..Default::default()
    };
    let e = sepa.validate().unwrap_err();
    assert_eq!(e.field(), Some("currency"));
    assert!(
        e.to_string().contains("the supported currency eur")
            && e.to_string().contains("Currency.Eur"),
        "{e}"
    );
    let e = p100::validate::crypto_currency("currency", &Currency::Unknown(" btc ".into()))
        .unwrap_err();
    assert!(e.to_string().contains("Currency.Btc, Swift .btc"), "{e}");
    // A currency the SDK does not know keeps its message.
    let e = p100::validate::currency("currency", &Currency::Unknown("xyz".into())).unwrap_err();
    assert!(
        e.to_string()
            .contains("must be one of the supported currencies"),
        "{e}"
    );
}

#[test]
fn a_text_that_is_no_amount_is_a_validation_error_with_the_question_mark() {
    fn parse(text: &str) -> p100::Result<p100::Amount> {
        Ok(text.parse::<p100::Amount>()?)
    }
    assert_eq!(parse("12.50").unwrap().to_string(), "12.50");
    let e = parse("12,50").unwrap_err();
    assert_eq!(e.kind(), p100::ErrorKind::Validation);
    assert_eq!(e.outcome(), p100::Outcome::NotSent);
    assert!(
        e.to_string().contains("\"12,50\" is not a decimal amount"),
        "{e}"
    );
}
