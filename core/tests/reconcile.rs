//! `reconcile` against a history served by a mock: which months it reads, and that a match it
//! cannot rule out is never `NotFound` (which would invite sending the money again).

use chrono::{DateTime, Datelike, TimeZone, Timelike, Utc};
use p100::client::Fingerprint;
use p100::models::PartnerExchangeRequest;
use p100::{Amount, Client, Currency, Outcome, Reconciliation};
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn now() -> DateTime<Utc> {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    Utc.timestamp_millis_opt(ms as i64).unwrap()
}

/// `YYYY-MM-DD<sep>HH:MM:SS`, without an offset.
fn without_offset(t: DateTime<Utc>, sep: char) -> String {
    format!(
        "{:04}-{:02}-{:02}{sep}{:02}:{:02}:{:02}",
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

fn history(kind: &str, created_at: Option<&str>) -> serde_json::Value {
    let mut entry = json!({"id": "t-1", "type": kind, "amount": "25.00", "currency": "eur",
        "status": "SUCCESSFUL", "direction": "OUT"});
    if let Some(at) = created_at {
        entry["createdAt"] = json!(at);
    }
    json!({ "transactions": [entry] })
}

fn fingerprint(sent_at_ms: i64) -> Fingerprint {
    Fingerprint {
        operation: "sepa.partner_transfer".into(),
        amount: Some(Amount::parse("25.00").unwrap()),
        currency: Some("eur".into()),
        destination: Some(IBAN.into()),
        external_user_id: None,
        sent_at_ms,
        title: Some(TITLE.into()),
        network: None,
        accepted: false,
    }
}

/// Answers `GET <at>` with `body`.
async fn get_json(server: &MockServer, at: &str, body: serde_json::Value) {
    Mock::given(method("GET"))
        .and(path(at))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(server)
        .await;
}

/// The history `body`, and the details of SEPA transfer `t-1`: sent to the fingerprint's IBAN.
async fn serve(server: &MockServer, body: serde_json::Value) {
    get_json(server, "/v1/partner/transactions", body).await;
    sepa_details(server, ("t-1", Some(IBAN), Some(TITLE))).await;
}

/// A history listing the transfer (created at `created`) in `month` of `year` only.
async fn serve_in_month(server: &MockServer, (month, year): (u32, i32), created: &str) {
    Mock::given(method("GET"))
        .and(path("/v1/partner/transactions"))
        .and(query_param("month", month.to_string()))
        .and(query_param("year", year.to_string()))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(history("sepa_transfer", Some(created))),
        )
        .with_priority(1)
        .mount(server)
        .await;
    serve(server, json!({"transactions": []})).await;
}

const IBAN: &str = "DE89370400440532013000";
const TITLE: &str = "Invoice 2";

/// The details of one SEPA transfer: id, IBAN, title (`None`: not shown).
type Details<'a> = (&'a str, Option<&'a str>, Option<&'a str>);

/// `GET /v1/sepa-transfer/details/{id}`: a transfer of 25.00 EUR to `iban` titled `title`.
async fn sepa_details(server: &MockServer, (id, iban, title): Details<'_>) {
    let mut details = json!({"id": id, "amount": "25.00", "currency": "eur",
        "status": "SUCCESSFUL"});
    if let Some(iban) = iban {
        details["destinationIban"] = json!(iban);
    }
    if let Some(title) = title {
        details["transferTitle"] = json!(title);
    }
    Mock::given(method("GET"))
        .and(path(format!("/v1/sepa-transfer/details/{id}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(details))
        .with_priority(1)
        .mount(server)
        .await;
}

/// Sent 10 s before month M-2 ended, recorded 5 s into month M-1, reconciled in month M: the
/// month in between is read too.
#[tokio::test]
async fn every_month_between_the_sending_and_now_is_read() {
    let now = now();
    let (year, month) = match now.month() {
        1 => (now.year() - 1, 12),
        m => (now.year(), m - 1),
    };
    let start_of_previous = Utc.with_ymd_and_hms(year, month, 1, 0, 0, 0).unwrap();
    let sent = start_of_previous.timestamp_millis() - 10_000;
    let recorded = without_offset(start_of_previous + chrono::Duration::seconds(5), 'T') + "Z";
    let server = MockServer::start().await;
    serve_in_month(&server, (month, year), &recorded).await;
    let r = client(&server)
        .reconcile_fingerprint(&fingerprint(sent))
        .await
        .unwrap();
    assert_eq!(
        r,
        Reconciliation::Found {
            id: "t-1".into(),
            status: Some("SUCCESSFUL".into())
        },
        "recorded in {month}/{year}"
    );
    let requests = server.received_requests().await.unwrap();
    let months = requests
        .iter()
        .filter(|r| r.url.path() == "/v1/partner/transactions");
    // Within 14 h of the month's end, the next month is read too (time zones).
    let next = now + chrono::Duration::hours(14);
    let expected = if next.month() == now.month() { 3 } else { 4 };
    assert_eq!(months.count(), expected, "months M-2, M-1 and M");
}

#[tokio::test]
async fn a_match_without_a_readable_time_is_cannot_tell_not_not_found() {
    let now = now();
    let naive = without_offset(now, 'T');
    let spaced = without_offset(now, ' ');
    for created in [Some(naive.as_str()), Some(spaced.as_str()), None] {
        let server = MockServer::start().await;
        serve(&server, history("sepa_transfer", created)).await;
        let r = client(&server)
            .reconcile_fingerprint(&fingerprint(now.timestamp_millis() - 60_000))
            .await
            .unwrap();
        assert!(
            matches!(&r, Reconciliation::CannotTell { reason } if reason.contains("lacks a readable")),
            "createdAt {created:?}: {r:?}"
        );
    }
}

#[tokio::test]
async fn an_equal_entry_stamped_just_before_the_sending_is_cannot_tell_and_says_so() {
    // An equal transfer sent a minute before this call (fixed-amount payouts): every fact of
    // the entry is readable, and the answer says why it stays open, naming the entry.
    let now = now();
    let server = MockServer::start().await;
    let earlier = now - chrono::Duration::seconds(60);
    serve(
        &server,
        history("sepa_transfer", Some(&(without_offset(earlier, 'T') + "Z"))),
    )
    .await;
    let r = client(&server)
        .reconcile_fingerprint(&fingerprint(now.timestamp_millis()))
        .await
        .unwrap();
    let Reconciliation::CannotTell { reason } = &r else {
        panic!("{r:?}");
    };
    assert!(
        reason.contains("stamped up to 10 minutes before"),
        "{reason}"
    );
    assert!(
        reason.contains("t-1") && !reason.contains("lacks"),
        "{reason}"
    );
}

#[tokio::test]
async fn the_kind_of_an_entry_is_compared_without_case() {
    let now = now();
    let server = MockServer::start().await;
    serve(
        &server,
        history("SEPA_TRANSFER", Some(&(without_offset(now, 'T') + "Z"))),
    )
    .await;
    let r = client(&server)
        .reconcile_fingerprint(&fingerprint(now.timestamp_millis() - 60_000))
        .await
        .unwrap();
    assert!(matches!(r, Reconciliation::Found { .. }), "{r:?}");
}

#[tokio::test]
async fn a_call_sent_years_ago_is_cannot_tell_without_reading_years_of_history() {
    let server = MockServer::start().await;
    serve(&server, json!({"transactions": []})).await;
    let three_years = 3 * 366 * 24 * 3600 * 1000;
    let r = client(&server)
        .reconcile_fingerprint(&fingerprint(now().timestamp_millis() - three_years))
        .await
        .unwrap();
    assert!(matches!(r, Reconciliation::CannotTell { .. }), "{r:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
}

fn entry(fields: serde_json::Value) -> serde_json::Value {
    let mut e = json!({"id": "t-1", "type": "sepa_transfer", "amount": "25.00", "currency": "eur",
        "status": "SUCCESSFUL", "direction": "OUT", "createdAt": without_offset(now(), 'T') + "Z"});
    for (k, v) in fields.as_object().unwrap() {
        if v.is_null() {
            e.as_object_mut().unwrap().remove(k);
        } else {
            e[k] = v.clone();
        }
    }
    json!({ "transactions": [e] })
}

/// What one history entry makes of a SEPA transfer sent a minute ago: every fact there and
/// fitting is `found`; a fact missing, or a type the history is not known to use (or a generic
/// one), cannot rule it out (`cannot_tell`); another known type, or another amount, rules it
/// out.
#[tokio::test]
async fn each_fact_of_an_entry_rules_it_in_out_or_leaves_it_open() {
    let cases = [
        (json!({}), "found"),
        // The API's SEPA details call a SEPA transfer `external`.
        (json!({"type": "external"}), "found"),
        (json!({"amount": null}), "cannot_tell"),
        (json!({"type": null}), "cannot_tell"),
        (json!({"type": "SEPA_OUT"}), "cannot_tell"),
        (json!({"type": "exchange"}), "not_found"),
        // `transfer` (an internal transfer's type) is also a plain word for a payout: it
        // leaves the answer open (it was `not_found`: outside review).
        (json!({"type": "transfer"}), "cannot_tell"),
        (json!({"amount": "25.01"}), "not_found"),
    ];
    for (fields, expected) in cases {
        let server = MockServer::start().await;
        serve(&server, entry(fields.clone())).await;
        let r = client(&server)
            .reconcile_fingerprint(&fingerprint(now().timestamp_millis() - 60_000))
            .await
            .unwrap();
        assert_eq!(r.as_str(), expected, "{fields}: {r:?}");
    }
}

/// A history, the details of each id, the answer, the id when found.
type Case<'a> = (
    serde_json::Value,
    Vec<Details<'a>>,
    &'a str,
    Option<&'a str>,
);

/// A transaction history does not say where a SEPA transfer went nor its title: a match is only
/// `found` when its details show the IBAN and title sent. One to another IBAN or with another
/// title, or whose details do not say (or do not exist), is another operation or an open
/// question, never this call; nor is it ruled out when none shows what was sent (`cannot_tell`,
/// not `not_found`).
#[tokio::test]
async fn a_sepa_match_is_found_only_when_its_details_show_the_iban_and_title_sent() {
    let two = |a: &str, b: &str| {
        let mut h = entry(json!({}));
        let mut second = h["transactions"][0].clone();
        second["id"] = json!(b);
        h["transactions"][0]["id"] = json!(a);
        h["transactions"].as_array_mut().unwrap().push(second);
        h
    };
    let other = "FR7630006000011234567890189";
    let (one, t) = (entry(json!({})), Some(TITLE));
    let cases: Vec<Case> = vec![
        (
            one.clone(),
            vec![("t-1", Some(IBAN), t)],
            "found",
            Some("t-1"),
        ),
        (
            one.clone(),
            vec![(
                "t-1",
                Some("de89 3704 0044 0532 0130 00"),
                Some("INVOICE  2"),
            )],
            "found",
            Some("t-1"),
        ),
        (
            one.clone(),
            vec![("t-1", Some(other), t)],
            "cannot_tell",
            None,
        ),
        (one.clone(), vec![("t-1", None, t)], "cannot_tell", None),
        (
            one.clone(),
            vec![("t-1", Some(IBAN), None)],
            "cannot_tell",
            None,
        ),
        (
            one.clone(),
            vec![("t-1", Some(IBAN), Some("Invoice 1"))],
            "cannot_tell",
            None,
        ),
        // No details for that id (404).
        (one.clone(), vec![], "cannot_tell", None),
        // One to this IBAN and one elsewhere: the other is another operation.
        (
            two("t-1", "t-2"),
            vec![("t-1", Some(other), t), ("t-2", Some(IBAN), t)],
            "found",
            Some("t-2"),
        ),
        // Two invoices of one amount to one IBAN; the first (t-1) went out, the second was
        // lost: t-1 is not the second.
        (
            two("t-1", "t-2"),
            vec![
                ("t-1", Some(IBAN), Some("Invoice 1")),
                ("t-2", Some(IBAN), t),
            ],
            "found",
            Some("t-2"),
        ),
        (
            two("t-1", "t-2"),
            vec![("t-1", None, t), ("t-2", Some(IBAN), t)],
            "cannot_tell",
            None,
        ),
        (
            two("t-1", "t-2"),
            vec![("t-1", Some(IBAN), t), ("t-2", Some(IBAN), t)],
            "cannot_tell",
            None,
        ),
    ];
    for (history, details, expected, id) in cases {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/v1/partner/transactions"))
            .respond_with(ResponseTemplate::new(200).set_body_json(&history))
            .mount(&server)
            .await;
        for d in &details {
            sepa_details(&server, *d).await;
        }
        let r = client(&server)
            .reconcile_fingerprint(&fingerprint(now().timestamp_millis() - 60_000))
            .await
            .unwrap();
        assert_eq!(r.as_str(), expected, "{details:?}: {r:?}");
        if let Reconciliation::Found { id: found, .. } = &r {
            assert_eq!(Some(found.as_str()), id);
        }
    }
}

/// One address can exist on several networks: a crypto withdrawal is `found` only when its
/// details show the address and the network sent.
#[tokio::test]
async fn a_crypto_match_is_found_only_when_its_details_show_the_address_and_network_sent() {
    let address = "0xAbC0000000000000000000000000000000000001";
    let cases = [
        (Some("POLYGON"), Some(address), "found"),
        (Some("ETHEREUM"), Some(address), "cannot_tell"),
        (None, Some(address), "cannot_tell"),
        (
            Some("POLYGON"),
            Some("0xdef0000000000000000000000000000000000002"),
            "cannot_tell",
        ),
    ];
    for (network, destination, expected) in cases {
        let server = MockServer::start().await;
        let history = entry(json!({"type": "crypto_withdrawal", "currency": "usdt"}));
        Mock::given(method("GET"))
            .and(path("/v1/partner/transactions"))
            .respond_with(ResponseTemplate::new(200).set_body_json(&history))
            .mount(&server)
            .await;
        let mut details = json!({"id": "t-1", "status": "COMPLETED", "amount": "25.00"});
        if let Some(n) = network {
            details["network"] = json!(n);
        }
        if let Some(d) = destination {
            details["destination"] = json!(d);
        }
        Mock::given(method("GET"))
            .and(path("/v1/crypto-withdrawal/details/t-1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(details))
            .mount(&server)
            .await;
        let fp = Fingerprint {
            operation: "crypto.partner_withdrawal".into(),
            currency: Some("usdt".into()),
            destination: Some(address.into()),
            title: None,
            network: Some("polygon".into()),
            ..fingerprint(now().timestamp_millis() - 60_000)
        };
        let r = client(&server).reconcile_fingerprint(&fp).await.unwrap();
        assert_eq!(r.as_str(), expected, "{network:?} {destination:?}: {r:?}");
    }
}

/// The history's months may be local months: a transfer sent an hour into this month (UTC) is
/// still last month's evening in America, and may be listed there.
#[tokio::test]
async fn a_transfer_listed_in_the_month_before_in_local_time_is_found() {
    let now = now();
    let start = Utc
        .with_ymd_and_hms(now.year(), now.month(), 1, 0, 0, 0)
        .unwrap();
    let sent = start + chrono::Duration::hours(1);
    let (year, month) = match now.month() {
        1 => (now.year() - 1, 12),
        m => (now.year(), m - 1),
    };
    let created = without_offset(sent + chrono::Duration::seconds(1), 'T') + "Z";
    let server = MockServer::start().await;
    serve_in_month(&server, (month, year), &created).await;
    let r = client(&server)
        .reconcile_fingerprint(&fingerprint(sent.timestamp_millis()))
        .await
        .unwrap();
    assert_eq!(r.as_str(), "found", "listed in {month}/{year}: {r:?}");
}

// From an outside review (each test below failed on the code before its fix).

/// `2026-01-31T12:00:00Z`.
fn iso(t: DateTime<Utc>) -> String {
    without_offset(t, 'T') + "Z"
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

/// What `reconcile` answers for the SEPA transfer of `fingerprint`, sent a minute ago, against
/// [`serve_sepa`]'s history with `fields` changed.
async fn reconcile_sepa_with(fields: serde_json::Value) -> Reconciliation {
    let server = MockServer::start().await;
    serve_sepa(&server, fields).await;
    client(&server)
        .reconcile_fingerprint(&fingerprint(now().timestamp_millis() - 60_000))
        .await
        .unwrap()
}

/// The history's `direction` values are not documented (the model says "`IN`/`OUT`…, as
/// sent"). `OUTGOING` and `DEBIT` are the direction looked for (`found`); a word the SDK does
/// not know leaves the entry open (`cannot_tell`); only the other direction rules it out. It
/// used to rule out every word but `OUT`: `not_found`, inviting a second payment.
#[tokio::test]
async fn an_unknown_direction_word_does_not_rule_out_the_transfer() {
    for (dir, expected) in [
        ("OUTGOING", "found"),
        ("DEBIT", "found"),
        ("SENT_OUT", "cannot_tell"),
        ("INCOMING", "not_found"),
    ] {
        let r = reconcile_sepa_with(json!({ "direction": dir })).await;
        if expected != "not_found" {
            assert_ne!(
                r,
                Reconciliation::NotFound,
                "direction {dir:?}: the transfer went out, yet not_found invites a second payment"
            );
        }
        assert_eq!(r.as_str(), expected, "direction {dir:?}: {r:?}");
    }
}

/// A debit shown as a negative amount (the usual ledger convention) is the amount sent: it
/// used to be ruled out (`not_found`).
#[tokio::test]
async fn a_debit_listed_with_a_minus_sign_is_not_ruled_out() {
    let r = reconcile_sepa_with(json!({ "amount": "-25.00" })).await;
    assert_ne!(
        r,
        Reconciliation::NotFound,
        "amount -25.00 (a debit): {r:?}"
    );
    assert_eq!(r.as_str(), "found", "{r:?}");
    let other = reconcile_sepa_with(json!({ "amount": "-25.01" })).await;
    assert_eq!(other, Reconciliation::NotFound, "{other:?}");
}

/// `sent_at_ms` is this machine's clock; `createdAt` is P100's. A device whose clock runs 3
/// minutes fast (phones: Kotlin/Swift bindings) sees the entry of the transfer it made stamped
/// before the sending: not ruled out (up to 10 minutes), but not proven either (stamped
/// before the sending): `cannot_tell`. With 2 minutes of skew it used to be `not_found`.
#[tokio::test]
async fn a_client_clock_three_minutes_fast_does_not_make_it_not_found() {
    let server = MockServer::start().await;
    let real = now();
    // P100 recorded it right away, by its (correct) clock.
    serve_sepa(&server, json!({ "createdAt": iso(real) })).await;
    // The device stamped the sending 3 minutes ahead.
    let sent_by_device = real.timestamp_millis() + 180_000;
    let r = client(&server)
        .reconcile_fingerprint(&fingerprint(sent_by_device))
        .await
        .unwrap();
    assert_ne!(
        r,
        Reconciliation::NotFound,
        "device clock 3 min fast: {r:?}"
    );
    assert_eq!(r.as_str(), "cannot_tell", "{r:?}");
}

/// `reconcile` of the lost call when an equal one (same amount, IBAN and title) went out a moment
/// before it: the history shows only that earlier one, stamped before the sending. It cannot be
/// proven to be the lost call: `cannot_tell`. It used to be `found` (entries up to 30 s before
/// the sending were taken for the call), telling the app that money moved which never did
/// (outside review). The second of the sending itself still counts when the history gives whole
/// seconds.
#[tokio::test]
async fn an_equal_call_stamped_just_before_the_sending_is_not_found_for_it() {
    let sent = now().timestamp_millis();
    let answer = |created_at: String| async move {
        let server = MockServer::start().await;
        serve_sepa(&server, json!({ "createdAt": created_at })).await;
        let r = client(&server)
            .reconcile_fingerprint(&fingerprint(sent))
            .await;
        r.unwrap().as_str()
    };
    let a_second_before = Utc.timestamp_millis_opt(sent - 1_000).unwrap();
    assert_eq!(answer(iso_millis(a_second_before)).await, "cannot_tell");
    assert_eq!(answer(iso(a_second_before)).await, "cannot_tell");
    let the_second_of_sending = Utc.timestamp_opt(sent.div_euclid(1000), 0).unwrap();
    assert_eq!(answer(iso(the_second_of_sending)).await, "found");
    let a_moment_after = Utc.timestamp_millis_opt(sent + 5).unwrap();
    assert_eq!(answer(iso_millis(a_moment_after)).await, "found");
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`.
fn iso_millis(t: DateTime<Utc>) -> String {
    format!(
        "{}.{:03}Z",
        without_offset(t, 'T'),
        t.timestamp_subsec_millis()
    )
}

/// Polygon's POL was called MATIC until 2024 (`Network` still accepts "matic"); `Currency`
/// has no such alias, so a history entry in "MATIC" is `Unknown("MATIC")`: like an unknown
/// type, it leaves the entry open (`cannot_tell`). It used to rule it out (`not_found`).
#[tokio::test]
async fn an_unknown_currency_spelling_does_not_rule_out_the_withdrawal() {
    let address = "0xAbC0000000000000000000000000000000000001";
    let server = MockServer::start().await;
    let entry = json!({"id": "w-1", "type": "crypto_withdrawal", "amount": "25",
        "currency": "MATIC", "status": "COMPLETED", "direction": "OUT", "createdAt": iso(now())});
    get_json(
        &server,
        "/v1/partner/transactions",
        json!({"transactions": [entry]}),
    )
    .await;
    let details = json!({"id": "w-1", "status": "COMPLETED", "amount": "25",
        "network": "polygon", "destination": address});
    get_json(&server, "/v1/crypto-withdrawal/details/w-1", details).await;
    let fp = Fingerprint {
        operation: "crypto.partner_withdrawal".into(),
        amount: Some(Amount::parse("25").unwrap()),
        currency: Some("pol".into()),
        destination: Some(address.into()),
        external_user_id: None,
        sent_at_ms: now().timestamp_millis() - 60_000,
        title: None,
        network: Some("polygon".into()),
        accepted: false,
    };
    let r = client(&server).reconcile_fingerprint(&fp).await.unwrap();
    assert_ne!(r, Reconciliation::NotFound, "currency MATIC: {r:?}");
    assert_eq!(r.as_str(), "cannot_tell", "{r:?}");
}

/// An exchange's fingerprint keeps the bought currency and its details are read: a failed
/// 100 EUR→BTC exchange is not `found` as the 100 EUR→ETH exchange made next to it, whose
/// details say ETH (it used to be: the caller then believed it held BTC).
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
    let entry = json!({"id": "ex-eth", "type": "exchange", "amount": 100, "currency": "eur",
        "status": "COMPLETED", "direction": "OUT", "createdAt": iso(now())});
    get_json(
        &server,
        "/v1/partner/transactions",
        json!({"transactions": [entry]}),
    )
    .await;
    let details = json!({"exchangeId": "ex-eth", "status": "COMPLETED", "amount": 100,
        "currencyFrom": "eur", "currencyTo": "eth"});
    get_json(&server, "/v1/exchange/details/ex-eth", details).await;
    let r = c.reconcile(&err).await.unwrap();
    assert!(
        !matches!(&r, Reconciliation::Found { id, .. } if id == "ex-eth"),
        "the EUR->BTC call is reported found as the EUR->ETH exchange: {r:?} (fingerprint {:?})",
        err.fingerprint()
    );
}

/// A history that lists the same entries for each month read (overlapping local months, or a
/// server ignoring month/year) gives [A, B, A, B]: each entry counts once, so the one transfer
/// to this IBAN (A) is `found` (duplicates that were not next to each other used to make it
/// `cannot_tell`).
#[tokio::test]
async fn one_entry_listed_in_several_months_is_one_match() {
    let server = MockServer::start().await;
    // Stamped when it was sent, 40 days ago (a time long after the sending is a later call's).
    let sent_ms = now().timestamp_millis() - 40 * 24 * 3600 * 1000;
    let t = iso(DateTime::from_timestamp_millis(sent_ms + 1000).unwrap());
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
    let fp = fingerprint(sent_ms);
    let r = client(&server).reconcile_fingerprint(&fp).await.unwrap();
    assert_eq!(r.as_str(), "found", "{r:?}");
}

/// A server whose partner history holds one SEPA transfer `id` stamped `at`, to this IBAN with
/// this title.
async fn one_transfer_stamped(id: &str, at: DateTime<Utc>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/partner/transactions"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"transactions": [
            {"id": id, "type": "sepa_transfer", "amount": "25.00", "currency": "eur",
             "status": "SUCCESSFUL", "direction": "OUT", "createdAt": iso(at)}]})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/sepa-transfer/details/{id}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": id, "type": "external", "amount": "25.00", "currency": "eur",
            "status": "SUCCESSFUL", "destinationIban": IBAN, "transferTitle": TITLE})))
        .mount(&server)
        .await;
    server
}

/// Outside review, stop 47: an equal operation stamped long after the sending (the same payout
/// sent again after a `NotFound`, next month's identical salary) was `Found` for a call that
/// never ran, which then was never sent. It leaves the answer open now.
#[tokio::test]
async fn an_equal_operation_stamped_long_after_the_sending_is_not_found_for_it() {
    let sent_ms = now().timestamp_millis() - 3600 * 1000;
    let at = |after_ms: i64| DateTime::from_timestamp_millis(sent_ms + after_ms).unwrap();
    let server = one_transfer_stamped("LATER", at(11 * 60 * 1000)).await;
    let r = client(&server)
        .reconcile_fingerprint(&fingerprint(sent_ms))
        .await
        .unwrap();
    let Reconciliation::CannotTell { reason } = &r else {
        panic!("{r:?}");
    };
    assert!(reason.contains("after this call was sent"), "{reason}");
    // Stamped within the window, the same entry is the call.
    let server = one_transfer_stamped("NEAR", at(2 * 60 * 1000)).await;
    let r = client(&server)
        .reconcile_fingerprint(&fingerprint(sent_ms))
        .await
        .unwrap();
    assert_eq!(r.as_str(), "found", "{r:?}");
}

/// Outside review, stop 47: payouts of one amount to many IBANs (a payroll) left each one
/// `cannot_tell`, because an equal payout sent a moment before (to another IBAN) was stamped
/// in the window before the sending. Its details rule it out now; when they show the same
/// IBAN and title, or nothing, it stays open.
#[tokio::test]
async fn an_equal_payout_just_before_to_another_iban_is_ruled_out_by_its_details() {
    let sent_ms = now().timestamp_millis() - 60_000;
    let at = |ms: i64| iso(DateTime::from_timestamp_millis(sent_ms + ms).unwrap());
    // A SEPA payout of 25.00 EUR in the history, stamped `ms` after the sending.
    let entry = |id: &str, ms: i64| {
        json!({"id": id, "type": "sepa_transfer", "amount": "25.00", "currency": "eur",
               "status": "SUCCESSFUL", "direction": "OUT", "createdAt": at(ms)})
    };
    for (other_iban, expected) in [
        (Some("FR7630006000011234567890189"), "found"),
        (Some(IBAN), "cannot_tell"),
        (None, "cannot_tell"),
    ] {
        let server = MockServer::start().await;
        get_json(
            &server,
            "/v1/partner/transactions",
            json!({"transactions": [entry("BEFORE", -120_000),
                entry("OURS", 1_000)]}),
        )
        .await;
        sepa_details(&server, ("BEFORE", other_iban, Some(TITLE))).await;
        sepa_details(&server, ("OURS", Some(IBAN), Some(TITLE))).await;
        let r = client(&server)
            .reconcile_fingerprint(&fingerprint(sent_ms))
            .await
            .unwrap();
        assert_eq!(r.as_str(), expected, "{other_iban:?}: {r:?}");
        if let Reconciliation::Found { id, .. } = &r {
            assert_eq!(id, "OURS");
        }
    }
    // Only the earlier payout, to another IBAN: never `not_found` on that ground alone (the
    // API might show a destination rewritten), as for certain matches.
    let server = MockServer::start().await;
    get_json(
        &server,
        "/v1/partner/transactions",
        json!({"transactions": [entry("BEFORE", -120_000)]}),
    )
    .await;
    sepa_details(
        &server,
        ("BEFORE", Some("FR7630006000011234567890189"), Some(TITLE)),
    )
    .await;
    let r = client(&server)
        .reconcile_fingerprint(&fingerprint(sent_ms))
        .await
        .unwrap();
    assert_eq!(r.as_str(), "cannot_tell", "{r:?}");
    // Details that cannot be read (a 500, a P428) leave it open: the step that reads them only
    // narrows the answer, it never fails it (the review of the fixes).
    for status in [500, 400] {
        let server = MockServer::start().await;
        get_json(
            &server,
            "/v1/partner/transactions",
            json!({"transactions": [entry("BEFORE", -120_000)]}),
        )
        .await;
        Mock::given(method("GET"))
            .and(path("/v1/sepa-transfer/details/BEFORE"))
            .respond_with(ResponseTemplate::new(status).set_body_json(json!({
                "errorCode": "P428", "errorName": "sepa-transfer-not-found",
                "errorMessage": "not found"})))
            .mount(&server)
            .await;
        let r = client(&server)
            .reconcile_fingerprint(&fingerprint(sent_ms))
            .await
            .unwrap();
        assert_eq!(r.as_str(), "cannot_tell", "details {status}: {r:?}");
    }
}

/// `Date: …` of `t`, as servers write it.
fn http_date(t: DateTime<Utc>) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{:?}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        t.weekday(),
        t.day(),
        MONTHS[t.month0() as usize],
        t.year(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// A partner history of one SEPA entry stamped `created`, its reply dated `date` and sent after
/// `delay`, and the entry's details (the IBAN and title sent); what `reconcile` answers for the
/// transfer sent at `sent_ms`.
async fn reconcile_dated(
    created: DateTime<Utc>,
    date: DateTime<Utc>,
    delay_ms: u64,
    sent_ms: i64,
) -> Reconciliation {
    let server = MockServer::start().await;
    let e = json!({"id": "t-1", "type": "sepa_transfer", "amount": "25.00",
        "currency": "eur", "status": "SUCCESSFUL", "direction": "OUT",
        "createdAt": iso_millis(created)});
    Mock::given(method("GET"))
        .and(path("/v1/partner/transactions"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("date", http_date(date).as_str())
                .set_delay(std::time::Duration::from_millis(delay_ms))
                .set_body_json(json!({"transactions": [e]})),
        )
        .mount(&server)
        .await;
    sepa_details(&server, ("t-1", Some(IBAN), Some(TITLE))).await;
    client(&server)
        .reconcile_fingerprint(&fingerprint(sent_ms))
        .await
        .unwrap()
}

/// This machine's clock 20 minutes (or 15 hours) ahead of P100's (a phone set by hand): the
/// entry of the transfer is stamped before the sending by this clock, out of the 10-minute
/// window, and was `not_found` (outside review). The history reply's `Date` shows the
/// difference: the transfer is found.
#[tokio::test]
async fn a_clock_far_ahead_of_p100s_is_read_from_the_date_header() {
    for behind_ms in [20 * 60_000, 15 * 3_600_000] {
        let local = now();
        let server_now = Utc
            .timestamp_millis_opt(local.timestamp_millis() - behind_ms)
            .unwrap();
        let created = Utc
            .timestamp_millis_opt(server_now.timestamp_millis() + 2_000)
            .unwrap();
        let r = reconcile_dated(created, server_now, 0, local.timestamp_millis() - 1_000).await;
        assert_eq!(r.as_str(), "found", "clock {behind_ms} ms ahead: {r:?}");
    }
}

/// This machine's clock two hours behind P100's: the call's entry is stamped two hours after
/// the sending by this clock, which the `Date` header explains (found); an equal entry stamped
/// beyond that by more than the skew is a later call's (cannot tell).
#[tokio::test]
async fn a_clock_behind_p100s_is_read_from_the_date_header() {
    let local = now();
    let ahead_ms = 2 * 3_600_000;
    let server_now = Utc
        .timestamp_millis_opt(local.timestamp_millis() + ahead_ms)
        .unwrap();
    let sent = local.timestamp_millis() - 1_000;
    let stamped = |after_ms: i64| {
        Utc.timestamp_millis_opt(sent + ahead_ms + after_ms)
            .unwrap()
    };
    // Stamped 2 s after: the `Date` header has whole seconds only (as for a clock ahead).
    let r = reconcile_dated(stamped(2_000), server_now, 0, sent).await;
    assert_eq!(r.as_str(), "found", "{r:?}");
    let r = reconcile_dated(stamped(11 * 60_000), server_now, 0, sent).await;
    assert_eq!(r.as_str(), "cannot_tell", "{r:?}");
}

/// The diff review of stop 47: a clock found behind P100's only when reconciling (a fingerprint
/// reconciled days later, by a clock set back since) narrowed the search, and the payout's own
/// entry, stamped at the sending, was `not_found`; a slow history reply with equal clocks was
/// taken for a clock behind, and every `found` became `cannot_tell`.
#[tokio::test]
async fn a_clock_read_when_reconciling_never_narrows_the_search() {
    let local = now();
    let sent = local.timestamp_millis() - 1_000;
    let entry = Utc.timestamp_millis_opt(sent + 500).unwrap();
    let server_now = Utc
        .timestamp_millis_opt(local.timestamp_millis() + 30 * 60_000)
        .unwrap();
    let r = reconcile_dated(entry, server_now, 0, sent).await;
    assert_eq!(r.as_str(), "found", "clock behind at reconcile only: {r:?}");
    let r = reconcile_dated(
        entry,
        Utc.timestamp_millis_opt(local.timestamp_millis() + 6_000)
            .unwrap(),
        6_000,
        sent,
    )
    .await;
    assert_eq!(r.as_str(), "found", "slow reply, equal clocks: {r:?}");
}

/// The `Date` of a slow reply is older than its arrival by the reply's time: that is no
/// clock difference. An equal transfer stamped 3 s before this call was sent stays
/// `cannot_tell` (a first version of the clock reading took 6.5 s of latency for a clock 5.5 s
/// ahead and answered `found`, with the other payment's id: outside review).
#[tokio::test]
async fn a_slow_history_reply_is_not_taken_for_a_clock_ahead() {
    let sent = now().timestamp_millis();
    let before = Utc.timestamp_millis_opt(sent - 3_000).unwrap();
    // Stamped when the request came in; the reply then takes 6.5 s.
    let r = reconcile_dated(before, now(), 6_500, sent).await;
    assert_eq!(r.as_str(), "cannot_tell", "{r:?}");
}

/// An `accepted` error is a call that happened (a 2xx arrived; its reply could not be read).
/// A history that does not list it yet used to answer `not_found` (outside review), which
/// invites sending the money again: it is `cannot_tell`, saying so. `unknown` stays
/// `not_found`.
#[tokio::test]
async fn an_accepted_call_missing_from_the_history_is_never_not_found() {
    let server = MockServer::start().await;
    get_json(
        &server,
        "/v1/partner/transactions",
        json!({ "transactions": [] }),
    )
    .await;
    let fp = fingerprint(now().timestamp_millis() - 1_000);
    let c = client(&server);
    let r = c
        .reconcile_outcome(Outcome::Accepted, Some(&fp))
        .await
        .unwrap();
    match &r {
        Reconciliation::CannotTell { reason } => {
            assert!(reason.contains("do not send it again"), "{reason}")
        }
        other => panic!("accepted, not listed: {other:?}"),
    }
    let r = c
        .reconcile_outcome(Outcome::Unknown, Some(&fp))
        .await
        .unwrap();
    assert_eq!(r, Reconciliation::NotFound);
    // A kept call that finished but was not handed over is `accepted` with no fingerprint
    // (outside review, stop 40: this was a validation error, outcome `not_sent`, saying "not
    // the error of a money-moving call").
    match c.reconcile_outcome(Outcome::Accepted, None).await.unwrap() {
        Reconciliation::CannotTell { reason } => {
            assert!(reason.contains("do not send it again"), "{reason}")
        }
        other => panic!("accepted, no fingerprint: {other:?}"),
    }
    let e = c
        .reconcile_outcome(Outcome::Unknown, None)
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("error"), "{e}");
    // The same from a fingerprint stored as JSON and read back after a restart (the bindings
    // hand a stored fingerprint over as `unknown`): it says it was accepted.
    let stored = serde_json::to_string(&Fingerprint {
        accepted: true,
        ..fp.clone()
    })
    .unwrap();
    assert!(stored.contains(r#""accepted":true"#), "{stored}");
    let back: Fingerprint = serde_json::from_str(&stored).unwrap();
    let r = c
        .reconcile_outcome(Outcome::Unknown, Some(&back))
        .await
        .unwrap();
    assert_eq!(r.as_str(), "cannot_tell", "{r:?}");
    // A fingerprint stored before the flag existed reads as not accepted.
    assert!(!serde_json::to_string(&fp).unwrap().contains("accepted"));
}

/// The SDK reads one page of each month's history. A reply that says there are more
/// (`hasMore`, a next page, a total above what it lists) may hide the operation on a page not
/// read: `cannot_tell`, never `not_found` (outside review: an undocumented paging would have
/// made a transfer that happened `not_found`).
#[tokio::test]
async fn a_history_with_more_pages_is_never_not_found() {
    for (extra, expected) in [
        (json!({}), "not_found"),
        (json!({"hasMore": true}), "cannot_tell"),
        (json!({"totalPages": 2, "page": 1}), "cannot_tell"),
        (json!({"total": 57}), "cannot_tell"),
    ] {
        let server = MockServer::start().await;
        let mut body = json!({ "transactions": [] });
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        get_json(&server, "/v1/partner/transactions", body).await;
        let r = client(&server)
            .reconcile_fingerprint(&fingerprint(now().timestamp_millis() - 60_000))
            .await
            .unwrap();
        assert_eq!(r.as_str(), expected, "{extra}: {r:?}");
        if let Reconciliation::CannotTell { reason } = &r {
            assert!(reason.contains("more pages"), "{reason}");
        }
    }
}

/// The history is not documented: it may list an exchange net of its fee or in the bought
/// currency (in either direction). When no entry lists the amount sent, an exchange entry from
/// the time of the call with other money is judged by its details: `found` when they show the
/// sale sent, gross or net of the fee they show (and the bought currency); ruled out when they
/// show another sale (another sold currency, or an amount that is the sent one neither gross nor
/// net of the fee shown); open when they do not say, or show another amount and no fee (it may
/// be net of a fee not shown). It was `not_found` at once, which invites exchanging again.
/// Another operation's entry with other money is still ruled out.
#[tokio::test]
async fn an_exchange_listed_with_other_money_is_judged_by_its_details() {
    let net = json!({"type": "exchange", "amount": "99.50", "currency": "eur"});
    let bought =
        json!({"type": "exchange", "amount": "0.00102", "currency": "btc", "direction": "IN"});
    let sale = |amount: &str, fee: Option<&str>, from: &str| {
        let mut d = json!({"exchangeId": "t-1", "status": "COMPLETED", "amount": amount,
            "currencyFrom": from, "currencyTo": "btc"});
        if let Some(fee) = fee {
            d["fee"] = json!(fee);
        }
        d
    };
    let cases = [
        (net.clone(), Some(sale("100", None, "EUR")), "found"),
        (
            net.clone(),
            Some(sale("99.50", Some("0.50"), "eur")),
            "found",
        ),
        (
            bought.clone(),
            Some(sale("100", Some("0.50"), "eur")),
            "found",
        ),
        (
            net.clone(),
            Some(sale("99.00", Some("0.50"), "eur")),
            "not_found",
        ),
        (net.clone(), Some(sale("100", None, "usdc")), "not_found"),
        (net.clone(), Some(sale("99.50", None, "eur")), "cannot_tell"),
        (
            net.clone(),
            Some(json!({"exchangeId": "t-1", "status": "COMPLETED"})),
            "cannot_tell",
        ),
        (bought, None, "cannot_tell"),
        (
            json!({"type": "sepa_transfer", "amount": "99.50"}),
            None,
            "not_found",
        ),
        // Long before the call: ruled out by its time, details unread.
        (
            json!({"type": "exchange", "amount": "99.50", "createdAt": "2020-01-01T00:00:00Z"}),
            None,
            "not_found",
        ),
    ];
    for (fields, details, expected) in cases {
        let server = MockServer::start().await;
        serve(&server, entry(fields.clone())).await;
        if let Some(d) = &details {
            get_json(&server, "/v1/exchange/details/t-1", d.clone()).await;
        }
        let r = client(&server)
            .reconcile_fingerprint(&exchange_fp())
            .await
            .unwrap();
        assert_eq!(r.as_str(), expected, "{fields} {details:?}: {r:?}");
        // Details read to keep an entry are not read again to check where it went.
        let reads = server.received_requests().await.unwrap_or_default();
        let reads = reads.iter().filter(|r| r.url.path().contains("/details/"));
        assert!(
            reads.count() <= 1,
            "{fields} {details:?}: details read twice"
        );
        if let Reconciliation::CannotTell { reason } = &r {
            assert!(
                reason.contains("t-1") && reason.contains("exchange.details"),
                "{reason}"
            );
        }
    }
    // Six such exchanges are more than the SDK reads the details of: open, saying so.
    let server = MockServer::start().await;
    let mut six = entry(net.clone());
    let one = six["transactions"][0].clone();
    for i in 2..=6 {
        let mut e = one.clone();
        e["id"] = json!(format!("t-{i}"));
        six["transactions"].as_array_mut().unwrap().push(e);
    }
    serve(&server, six).await;
    let r = client(&server)
        .reconcile_fingerprint(&exchange_fp())
        .await
        .unwrap();
    assert_eq!(r.as_str(), "cannot_tell", "{r:?}");
}

/// An exchange sent as 100 EUR; the history shows entries from a minute later.
fn exchange_fp() -> Fingerprint {
    Fingerprint {
        operation: "exchange.partner_execute".into(),
        amount: Some(Amount::parse("100").unwrap()),
        currency: Some("eur".into()),
        destination: Some("btc".into()),
        external_user_id: None,
        sent_at_ms: now().timestamp_millis() - 60_000,
        title: None,
        network: None,
        accepted: false,
    }
}

/// Beside an entry listing the amount sent, other-money entries are other exchanges, and the
/// entry's details must show that amount as it is: another exchange whose gross less its fee
/// happens to equal it (100.50 - 0.50) is not taken for this call (outside review: it was
/// `found` with the other exchange's id).
#[tokio::test]
async fn an_entry_listing_the_amount_sent_must_show_it_as_is_in_its_details() {
    for (details, expected) in [
        (
            json!({"exchangeId": "t-1", "status": "COMPLETED", "currencyTo": "btc"}),
            "found",
        ),
        (
            json!({"exchangeId": "t-1", "status": "COMPLETED", "amount": "100", "fee": "0.50",
            "currencyFrom": "eur", "currencyTo": "btc"}),
            "found",
        ),
        (
            json!({"exchangeId": "t-1", "status": "COMPLETED", "amount": "100.50", "fee": "0.50",
            "currencyFrom": "eur", "currencyTo": "btc"}),
            "cannot_tell",
        ),
    ] {
        let server = MockServer::start().await;
        let mut both = entry(json!({"type": "exchange", "amount": "100", "currency": "eur"}));
        let mut other = entry(json!({"type": "exchange", "amount": "99.50", "currency": "eur"}))
            ["transactions"][0]
            .clone();
        other["id"] = json!("t-2");
        both["transactions"].as_array_mut().unwrap().push(other);
        serve(&server, both).await;
        get_json(&server, "/v1/exchange/details/t-1", details.clone()).await;
        let r = client(&server)
            .reconcile_fingerprint(&exchange_fp())
            .await
            .unwrap();
        assert_eq!(r.as_str(), expected, "{details}: {r:?}");
        if expected == "found" {
            assert_eq!(
                r,
                Reconciliation::Found {
                    id: "t-1".into(),
                    status: Some("SUCCESSFUL".into())
                }
            );
        }
    }
}
