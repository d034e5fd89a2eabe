//! From an outside review (each failed on the code before its fix): `reconcile` answers that are wrong for money (NotFound when the money moved,
//! Found for another operation).

use chrono::{DateTime, Datelike, TimeZone, Timelike, Utc};
use p100::client::Fingerprint;
use p100::models::PartnerExchangeRequest;
use p100::{Amount, Client, Currency, Outcome, Reconciliation};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn now() -> DateTime<Utc> {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    Utc.timestamp_millis_opt(ms as i64).unwrap()
}

fn iso(t: DateTime<Utc>) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key("test-key-123")
        .base_url(server.uri())
        .build()
        .unwrap()
}

const IBAN: &str = "DE89370400440532013000";
const TITLE: &str = "Invoice 2";

fn sepa_fp(sent_at_ms: i64) -> Fingerprint {
    Fingerprint {
        operation: "sepa.partner_transfer".into(),
        amount: Some(Amount::parse("25.00").unwrap()),
        currency: Some("eur".into()),
        destination: Some(IBAN.into()),
        external_user_id: None,
        sent_at_ms,
        title: Some(TITLE.into()),
        network: None,
    }
}

/// Partner history with one entry (fields overridden by `fields`) and the details of `t-1`,
/// which show exactly the IBAN and title that were sent: this IS the operation.
async fn serve_sepa(server: &MockServer, fields: serde_json::Value) {
    let mut e = json!({"id": "t-1", "type": "sepa_transfer", "amount": "25.00",
        "currency": "eur", "status": "SUCCESSFUL", "direction": "OUT",
        "createdAt": iso(now())});
    for (k, v) in fields.as_object().unwrap() {
        e[k] = v.clone();
    }
    Mock::given(method("GET"))
        .and(path("/v1/partner/transactions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"transactions": [e]})))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/sepa-transfer/details/t-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "t-1", "type": "external", "amount": "25.00", "currency": "eur",
            "status": "SUCCESSFUL", "destinationIban": IBAN, "transferTitle": TITLE})))
        .mount(server)
        .await;
}

/// The history's `direction` values are not documented (the model says "`IN`/`OUT`…, as
/// sent"). An outgoing transfer written "OUTGOING" (or "DEBIT") is ruled out as if it were an
/// incoming one, while an unknown `type` correctly leaves it open: the SEPA transfer that did
/// go out (its details show the IBAN and title sent) is answered `not_found`.
#[tokio::test]
async fn an_unknown_direction_word_does_not_rule_out_the_transfer() {
    for dir in ["OUTGOING", "DEBIT"] {
        let server = MockServer::start().await;
        serve_sepa(&server, json!({ "direction": dir })).await;
        let r = client(&server)
            .reconcile_fingerprint(&sepa_fp(now().timestamp_millis() - 60_000))
            .await
            .unwrap();
        assert_ne!(
            r,
            Reconciliation::NotFound,
            "direction {dir:?}: the transfer went out, yet not_found invites a second payment"
        );
    }
}

/// A debit shown as a negative amount (the usual ledger convention) never equals the positive
/// amount sent: the transfer that went out is `not_found`.
#[tokio::test]
async fn a_debit_listed_with_a_minus_sign_is_not_ruled_out() {
    let server = MockServer::start().await;
    serve_sepa(&server, json!({ "amount": "-25.00" })).await;
    let r = client(&server)
        .reconcile_fingerprint(&sepa_fp(now().timestamp_millis() - 60_000))
        .await
        .unwrap();
    assert_ne!(
        r,
        Reconciliation::NotFound,
        "amount -25.00 (a debit): {r:?}"
    );
}

/// `sent_at_ms` is this machine's clock; `createdAt` is P100's. A device whose clock runs 3
/// minutes fast (phones: Kotlin/Swift bindings) rules out the entry of the transfer it made
/// (only 2 minutes of skew are allowed): `not_found`.
#[tokio::test]
async fn a_client_clock_three_minutes_fast_does_not_make_it_not_found() {
    let server = MockServer::start().await;
    let real = now();
    // P100 recorded it right away, by its (correct) clock.
    serve_sepa(&server, json!({ "createdAt": iso(real) })).await;
    // The device stamped the sending 3 minutes ahead.
    let sent_by_device = real.timestamp_millis() + 180_000;
    let r = client(&server)
        .reconcile_fingerprint(&sepa_fp(sent_by_device))
        .await
        .unwrap();
    assert_ne!(
        r,
        Reconciliation::NotFound,
        "device clock 3 min fast: {r:?}"
    );
}

/// Polygon's POL was called MATIC until 2024 (`Network` still accepts "matic"); `Currency`
/// has no such alias, so a history entry in "MATIC" is `Unknown("MATIC")` and is ruled out
/// by the currency filter, where an unknown type would have been left open.
#[tokio::test]
async fn an_unknown_currency_spelling_does_not_rule_out_the_withdrawal() {
    let address = "0xAbC0000000000000000000000000000000000001";
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/partner/transactions"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"transactions": [{
            "id": "w-1", "type": "crypto_withdrawal", "amount": "25", "currency": "MATIC",
            "status": "COMPLETED", "direction": "OUT", "createdAt": iso(now())}]})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/crypto-withdrawal/details/w-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "w-1", "status": "COMPLETED", "amount": "25", "network": "polygon",
            "destination": address})))
        .mount(&server)
        .await;
    let fp = Fingerprint {
        operation: "crypto.partner_withdrawal".into(),
        amount: Some(Amount::parse("25").unwrap()),
        currency: Some("pol".into()),
        destination: Some(address.into()),
        external_user_id: None,
        sent_at_ms: now().timestamp_millis() - 60_000,
        title: None,
        network: Some("polygon".into()),
    };
    let r = client(&server).reconcile_fingerprint(&fp).await.unwrap();
    assert_ne!(r, Reconciliation::NotFound, "currency MATIC: {r:?}");
}

/// The fingerprint of an exchange keeps only amount and sold currency (not `currencyTo`, not
/// `lockId`) and no details are read: a failed 100 EUR→BTC exchange is reported `Found` as the
/// 100 EUR→ETH exchange made next to it, whose details say ETH. The caller then believes it
/// holds BTC and never redoes the exchange.
#[tokio::test]
async fn an_exchange_to_another_currency_is_not_found_as_this_one() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/partner/exchange"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let c = client(&server);
    let req = PartnerExchangeRequest::new(
        Amount::parse("100").unwrap(),
        Currency::Eur,
        Currency::Btc,
        "lock-btc",
    );
    let err = c.exchange().partner_execute(&req).await.unwrap_err();
    assert_eq!(err.outcome(), Outcome::Unknown);
    // Only the ETH exchange (another lock, another call) is in the history.
    Mock::given(method("GET"))
        .and(path("/v1/partner/transactions"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"transactions": [{
            "id": "ex-eth", "type": "exchange", "amount": 100, "currency": "eur",
            "status": "COMPLETED", "direction": "OUT", "createdAt": iso(now())}]})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/exchange/details/ex-eth"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "exchangeId": "ex-eth", "status": "COMPLETED", "amount": 100,
            "currencyFrom": "eur", "currencyTo": "eth"})))
        .mount(&server)
        .await;
    let r = c.reconcile(&err).await.unwrap();
    assert!(
        !matches!(&r, Reconciliation::Found { id, .. } if id == "ex-eth"),
        "the EUR->BTC call is reported found as the EUR->ETH exchange: {r:?} (fingerprint {:?})",
        err.fingerprint()
    );
}

/// `dedup_by` only removes consecutive duplicates. A history that lists the same entries for
/// each month read (overlapping local months, or a server ignoring month/year) gives
/// [A, B, A, B]: the one transfer to this IBAN (A) is then `cannot_tell` ("2 operations to this
/// destination") instead of `found`. Degraded answer, not a wrong one.
#[tokio::test]
async fn one_entry_listed_in_several_months_is_one_match() {
    let server = MockServer::start().await;
    let t = iso(now());
    Mock::given(method("GET"))
        .and(path("/v1/partner/transactions"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"transactions": [
            {"id": "A", "type": "sepa_transfer", "amount": "25.00", "currency": "eur",
             "status": "SUCCESSFUL", "direction": "OUT", "createdAt": t},
            {"id": "B", "type": "sepa_transfer", "amount": "25.00", "currency": "eur",
             "status": "SUCCESSFUL", "direction": "OUT", "createdAt": t}]})),
        )
        .mount(&server)
        .await;
    for (id, iban) in [("A", IBAN), ("B", "FR7630006000011234567890189")] {
        Mock::given(method("GET"))
            .and(path(format!("/v1/sepa-transfer/details/{id}")))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "id": id, "type": "external", "amount": "25.00", "currency": "eur",
                "status": "SUCCESSFUL", "destinationIban": iban, "transferTitle": TITLE})))
            .mount(&server)
            .await;
    }
    // Sent 40 days ago: at least two months are read.
    let fp = sepa_fp(now().timestamp_millis() - 40 * 24 * 3600 * 1000);
    let r = client(&server).reconcile_fingerprint(&fp).await.unwrap();
    assert_eq!(r.as_str(), "found", "{r:?}");
}
