//! Outside review (stop 50) of bad input: each test shows one defect of the code before it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use p100::input::decode_json;
use p100::models::{CardRef, PartnerSepaTransferRequest, UpdateCardLimitsRequest};

const SEPA: &str = r#""currency": "eur", "destinationIban": "DE89370400440532013000""#;

/// JSON text (Swift/Kotlin `*FromJson`, the CLI's `--json`): every number with a fraction, or
/// beyond 2^53, was turned into text before decoding, so it passed as a title or an id
/// (`"transferTitle": 0.5` went out as "0.5") while the integer `5` in the same place was
/// refused. Only an amount takes a number's exact text now.
#[test]
fn a_number_for_a_text_field_is_refused_in_json_text() {
    for title in ["0.5", "12345678901234567890", "1e3", "5"] {
        let text = format!(r#"{{"amount": "10", {SEPA}, "transferTitle": {title}}}"#);
        let e = decode_json::<PartnerSepaTransferRequest>(&text, "request").unwrap_err();
        assert_eq!(e.field(), Some("transferTitle"), "{title}: {e}");
        assert!(e.to_string().contains("expected a string"), "{title}: {e}");
    }
    let e = decode_json::<CardRef>(r#"{"externalUserId": "u1", "cardId": 1.5}"#, "request")
        .unwrap_err();
    assert_eq!(e.field(), Some("cardId"), "{e}");
}

/// What the old conversion was for stays: an amount written as a JSON number is read from its
/// exact text, at the top and inside a nested record, whatever its size.
#[test]
fn an_amount_written_as_a_json_number_is_still_exact() {
    let text = format!(r#"{{"amount": 0.005, {SEPA}, "transferTitle": "t"}}"#);
    let r = decode_json::<PartnerSepaTransferRequest>(&text, "request").unwrap();
    assert_eq!(r.amount.to_string(), "0.005");
    let text = format!(r#"{{"amount": 1e2, {SEPA}, "transferTitle": "t"}}"#);
    let r = decode_json::<PartnerSepaTransferRequest>(&text, "request").unwrap();
    assert_eq!(r.amount.value(), rust_decimal::Decimal::from(100));
    let text = format!(r#"{{"amount": 12345678901234567890, {SEPA}, "transferTitle": "t"}}"#);
    let r = decode_json::<PartnerSepaTransferRequest>(&text, "request").unwrap();
    assert_eq!(r.amount.to_string(), "12345678901234567890");
    let limits = r#"{"externalUserId": "u1", "cardId": "c1", "dailyTrxAll": 12.5,
        "monthlyTrxAtm": 100}"#;
    let r = decode_json::<UpdateCardLimitsRequest>(limits, "request").unwrap();
    assert_eq!(r.daily_trx_all.unwrap().to_string(), "12.5");
    assert_eq!(r.monthly_trx_atm.unwrap().to_string(), "100");
}

/// A field given under both of its names (`sourceExternalUserId` and its alias
/// `externalUserId`) was refused at the request's root with serde's own words ("duplicate
/// field `sourceExternalUserId`"); the field is named now, as a missing one is.
#[test]
fn a_field_given_under_both_its_names_is_named() {
    let v = serde_json::json!({
        "sourceExternalUserId": "u1", "externalUserId": "u2", "amount": "1",
        "currency": "eur", "destinationIban": "DE89370400440532013000", "transferTitle": "t",
    });
    let e =
        p100::input::decode::<p100::models::UserSepaTransferRequest>(&v, "request").unwrap_err();
    assert_eq!(e.field(), Some("sourceExternalUserId"), "{e}");
    assert!(e.to_string().contains("given twice"), "{e}");
    assert!(!e.to_string().contains('`'), "{e}");
}

/// Text input (the CLI's `--month 03`): a whole number as people type it, with a leading zero
/// or a `+`, was refused as "expected a whole number, found a string".
#[test]
fn a_whole_number_typed_with_a_leading_zero_or_plus_is_read() {
    let v = serde_json::json!({"month": "03", "year": "+2026"});
    let q: p100::models::TransactionHistoryQuery = p100::input::decode_text(&v, "request").unwrap();
    assert_eq!((q.month, q.year), (3, 2026));
    let e = p100::input::decode_text::<p100::models::TransactionHistoryQuery>(
        &serde_json::json!({"month": "3rd", "year": "2026"}),
        "request",
    )
    .unwrap_err();
    assert_eq!(e.field(), Some("month"), "{e}");
}

/// `reconcile` whose history read fails: its error took the read's own outcome, `accepted` for
/// a 2xx reply over the size limit (a busy month) and `not_sent` for a refused fingerprint, so
/// code acting on an error's outcome read "the money moved" or "send it again". It now speaks
/// of the reconciled call: `unknown`, or `accepted` for a call that was accepted.
#[tokio::test]
async fn an_error_of_reconcile_speaks_of_the_call_it_reconciles() {
    use p100::client::Fingerprint;
    use p100::{Client, Outcome};
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    let entries: Vec<_> = (0..200)
        .map(|i| serde_json::json!({"id": format!("t-{i}"), "type": "exchange", "amount": "1"}))
        .collect();
    Mock::given(method("GET"))
        .and(path("/v1/partner/transactions"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"transactions": entries})),
        )
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key("test-key-123")
        .base_url(server.uri())
        .max_response_bytes(1_000)
        .max_retries(0)
        .build()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let mut fp = Fingerprint {
        operation: "exchange.partner_execute".into(),
        amount: Some(p100::Amount::parse("1").unwrap()),
        currency: Some("eur".into()),
        destination: None,
        external_user_id: None,
        sent_at_ms: now - 1_000,
        title: None,
        network: None,
        accepted: false,
    };
    let e = client.reconcile_fingerprint(&fp).await.unwrap_err();
    assert!(e.to_string().contains("larger than the limit"), "{e}");
    assert_eq!(e.outcome(), Outcome::Unknown, "{e}");
    fp.accepted = true;
    let e = client.reconcile_fingerprint(&fp).await.unwrap_err();
    assert_eq!(e.outcome(), Outcome::Accepted, "{e}");
    // A fingerprint refused before any request: still the call's fate, not `not_sent`.
    fp.accepted = false;
    fp.operation = "no.such_operation".into();
    let e = client.reconcile_fingerprint(&fp).await.unwrap_err();
    assert_eq!(e.field(), Some("operation"), "{e}");
    assert_eq!(e.outcome(), Outcome::Unknown, "{e}");
    let e = client
        .reconcile_outcome(Outcome::Unknown, None)
        .await
        .unwrap_err();
    assert_eq!(e.outcome(), Outcome::Unknown, "{e}");
}

/// `fingerprint_of` from JSON (Swift/Kotlin `fingerprintOf(operation, json)`, Rust with a
/// `Value`) turned every fractional number into text, so it stored a fingerprint for
/// `"transferTitle": 0.5`, a request the call itself refuses (the diff review, stop 50). It
/// reads JSON as `*FromJson` does now; an amount written as a number is still exact.
#[test]
fn a_fingerprint_of_json_refuses_what_the_call_refuses() {
    let request = |title: serde_json::Value| {
        serde_json::json!({"amount": 25.5, "currency": "eur",
            "destinationIban": "DE89370400440532013000", "transferTitle": title})
    };
    let e = p100::fingerprint_of("sepa.partner_transfer", &request(serde_json::json!(0.5)))
        .unwrap_err();
    assert_eq!(e.field(), Some("transferTitle"), "{e}");
    let fp =
        p100::fingerprint_of("sepa.partner_transfer", &request(serde_json::json!("t"))).unwrap();
    assert_eq!(
        fp.amount.unwrap().value(),
        rust_decimal::Decimal::new(255, 1)
    );
}
