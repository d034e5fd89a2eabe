//! `p100::fingerprint_of`: the fingerprint of a money call, taken before the call is sent (to
//! store it first, so that a process that dies while the call is out can still reconcile).

use p100::{fingerprint_of, Client, ErrorKind, Outcome};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const IBAN: &str = "DE89370400440532013000";

fn sepa() -> serde_json::Value {
    json!({"amount": "25.5", "currency": "eur", "destinationIban": IBAN,
        "transferTitle": "Invoice 7"})
}

/// The fingerprint taken before is the one the call's `unknown` error carries (the amount
/// rescaled to the currency as sent), except for the time.
#[tokio::test]
async fn the_fingerprint_before_sending_is_the_one_an_unknown_error_carries() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/partner/sepa-transfer"))
        .respond_with(ResponseTemplate::new(504))
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key("test-key-123")
        .base_url(server.uri())
        .build()
        .unwrap();
    let before = fingerprint_of("sepa.partner_transfer", &sepa()).unwrap();
    let request = p100::input::decode(&sepa(), "request").unwrap();
    let e = client
        .sepa()
        .partner_transfer(&request)
        .await
        .expect_err("a 504 fails");
    assert_eq!(e.outcome(), Outcome::Unknown);
    let after = e
        .fingerprint()
        .expect("an unknown money error has one")
        .clone();
    assert!(after.sent_at_ms >= before.sent_at_ms);
    assert!(after.sent_at_ms - before.sent_at_ms < 60_000);
    let before = p100::Fingerprint {
        sent_at_ms: after.sent_at_ms,
        ..before
    };
    assert_eq!(before, after);
    assert_eq!(after.amount.unwrap().to_string(), "25.50");
    assert_eq!(after.destination.as_deref(), Some(IBAN));
}

#[test]
fn every_money_call_of_the_table_has_one_and_no_other_call_does() {
    let requests = [
        ("exchange.partner_execute", requests_first()),
        (
            "crypto.partner_withdrawal",
            json!({"amount": "0.001001", "currency": "btc",
            "name": "Cold", "receiverType": "NATURAL", "walletType": "NON_CUSTODIAL",
            "walletAddress": "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx"}),
        ),
        (
            "transfers.create",
            json!({"destinationExternalUserId": "u-1", "currency": "eur", "amount": "3"}),
        ),
    ];
    for (op, request) in requests {
        let fp = fingerprint_of(op, &request).unwrap_or_else(|e| panic!("{op}: {e}"));
        assert_eq!(fp.operation, op);
        assert!(fp.amount.is_some(), "{op}");
        assert!(!fp.accepted, "{op}: not sent, so not accepted");
    }
    let fp = fingerprint_of("exchange.partner_execute", &requests_first()).unwrap();
    assert_eq!(fp.currency.as_deref(), Some("eur"));
    assert_eq!(fp.destination.as_deref(), Some("btc"));

    let e = fingerprint_of("users.create_without_kyc", &json!({})).unwrap_err();
    assert_eq!(
        (e.kind(), e.field()),
        (ErrorKind::Validation, Some("operation"))
    );
    assert!(e.to_string().contains("moves no money"), "{e}");
    let e = fingerprint_of("sepa.partner_transfers", &sepa()).unwrap_err();
    assert_eq!(
        (e.kind(), e.field()),
        (ErrorKind::Validation, Some("operation"))
    );
    assert!(e.to_string().contains("no operation"), "{e}");
}

fn requests_first() -> serde_json::Value {
    json!({"currencyFrom": "EUR", "currencyTo": "BTC", "amount": "10", "lockId": "l-1"})
}

/// The request is checked as the call checks it: the field at fault named, nothing echoed.
#[test]
fn a_bad_request_is_refused_naming_its_field() {
    // A number with a fraction from a host language went through a binary float: refused as
    // money there (Python, JavaScript), as their calls refuse it.
    let mut bad = sepa();
    bad["amount"] = json!(0.5);
    let e = p100::client::fingerprint_of_host("sepa.partner_transfer", &bad).unwrap_err();
    assert_eq!(
        (e.kind(), e.field()),
        (ErrorKind::Validation, Some("amount"))
    );
    let mut bad = sepa();
    bad["amount"] = json!("-1");
    let e = fingerprint_of("sepa.partner_transfer", &bad).unwrap_err();
    assert_eq!(
        (e.kind(), e.field()),
        (ErrorKind::Validation, Some("amount"))
    );
    let mut bad = sepa();
    bad.as_object_mut().unwrap().remove("destinationIban");
    let e = fingerprint_of("sepa.partner_transfer", &bad).unwrap_err();
    assert_eq!(e.field(), Some("destinationIban"));
    let e = fingerprint_of("sepa.partner_transfer", &json!("x")).unwrap_err();
    assert_eq!(e.field(), Some("request"));
}

/// A Rust caller holding a typed request gives its JSON (`serde_json::to_value`): amounts that
/// the wire writes as numbers (`0.001001`) are read as written, never as a float.
#[test]
fn a_typed_request_gives_its_json() {
    let request: p100::models::PartnerCryptoWithdrawalRequest = p100::input::decode(
        &json!({"amount": "0.001001", "currency": "btc", "name": "Cold",
            "receiverType": "NATURAL", "walletType": "NON_CUSTODIAL",
            "walletAddress": "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx"}),
        "request",
    )
    .unwrap();
    let value = serde_json::to_value(&request).unwrap();
    let fp = fingerprint_of("crypto.partner_withdrawal", &value).unwrap();
    assert_eq!(fp.amount.unwrap().to_string(), "0.00100100");
}

/// JSON text's numbers are exact: `0.5` (which a double holds) and `0.001001` (which it does
/// not) are both amounts as written, as `*FromJson` reads them.
#[test]
fn exact_numbers_of_a_typed_or_json_request_are_amounts() {
    for amount in ["0.5", "0.001001", "3"] {
        let text = format!(
            r#"{{"amount": {amount}, "currency": "btc", "name": "Cold", "receiverType": "NATURAL",
            "walletType": "NON_CUSTODIAL", "walletAddress": "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx"}}"#
        );
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let fp = fingerprint_of("crypto.partner_withdrawal", &value)
            .unwrap_or_else(|e| panic!("{amount}: {e}"));
        assert_eq!(fp.amount.unwrap(), p100::Amount::parse(amount).unwrap());
    }
}
