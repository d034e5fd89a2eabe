//! Outside review of the sandbox as a product (stop 45): bodies the amount bound did not see.

mod common;

use common::*;
use serde_json::Value;

async fn post(sb: &p100_sandbox::RunningSandbox, path: &str, body: String) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(format!("{}{path}", sb.base_url()))
        .header("x-api-key", sb.api_key())
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("the sandbox answers (it closed the connection: a handler panicked)");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn eur_balance(sb: &p100_sandbox::RunningSandbox) -> String {
    let b = sb.client().partner().balances().await.unwrap();
    format!("{:?}", b.fiat_balances)
}

/// A sandbox whose operations settle after `ms` milliseconds.
async fn settling_after(ms: u64) -> p100_sandbox::RunningSandbox {
    p100_sandbox::Sandbox::builder()
        .api_key("test-key")
        .settle(std::time::Duration::from_millis(ms))
        .start()
        .await
        .unwrap()
}

/// A verified user `id`, the partner's EUR balances before, and a pending transfer of
/// `amount` EUR from the partner to that user (its id).
async fn pending_transfer_to(
    sb: &p100_sandbox::RunningSandbox,
    id: &str,
    amount_eur: &str,
) -> (String, String) {
    let c = sb.client();
    verified_user(&c, id).await;
    let before = eur_balance(sb).await;
    let t = c
        .transfers()
        .create(&p100::models::TransferRequest {
            destination_external_user_id: Some(id.into()),
            amount: amount(amount_eur),
            currency: p100::Currency::Eur,
            ..Default::default()
        })
        .await
        .unwrap();
    (before, t.transfer_id)
}

/// The transfer's final status and error code; the user's fiat balances all zero; the
/// partner's back to `before`.
async fn failed_and_refunded(
    sb: &p100_sandbox::RunningSandbox,
    transfer_id: &str,
    user: &str,
    before: &str,
    code: &str,
) {
    let c = sb.client();
    let d = c
        .transfers()
        .wait_for(transfer_id, fast_wait())
        .await
        .unwrap();
    assert_eq!(d.status.to_string(), "FAILED", "{d:?}");
    assert_eq!(d.error.and_then(|e| e.error_code).as_deref(), Some(code));
    let b = c.users().balances(user).await.unwrap();
    assert!(
        b.fiat_balances.iter().all(|f| f.amount.value().is_zero()),
        "{user} got the money: {b:?}"
    );
    assert_eq!(eur_balance(sb).await, before, "the debit was refunded");
}

/// A body with text after its object, or nested deeper than serde_json reads whole, skipped the
/// 10^15 bound (its second read failed and counted as "no amount"): the sandbox overflowed
/// (a panicked handler, a closed connection) or took the money. Now each is a P403 and nothing
/// moves.
#[tokio::test]
async fn bodies_that_hid_their_amount_from_the_bound_are_refused() {
    let sb = sandbox().await;
    let before = eur_balance(&sb).await;
    let huge = r#""amount":"79228162514264337593543950335","currency":"eur""#;
    let sepa =
        format!(r#"{{{huge},"destinationIban":"DE89370400440532013000","transferTitle":"t""#);
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    for (path, body) in [
        ("/v1/partner/sepa-transfer", format!("{sepa}}} x")),
        (
            "/v1/partner/sepa-transfer",
            format!(r#"{sepa},"x":{deep}}}"#),
        ),
        ("/v1/payment-link", format!(r#"{{{huge}}} x"#)),
        (
            "/v1/partner/exchange",
            format!(r#"{{{huge},"currencyFrom":"eur","currencyTo":"btc","lockId":"l"}} x"#),
        ),
    ] {
        let (status, reply) = post(&sb, path, body.clone()).await;
        assert_eq!(status, 400, "{path} {body}: {reply}");
        assert_eq!(reply["errorCode"], "P403", "{path}: {reply}");
    }
    // A valid body followed by text is refused too (P100 reads one JSON document).
    let (status, reply) = post(
        &sb,
        "/v1/partner/sepa-transfer",
        r#"{"amount":"10.00","currency":"eur","destinationIban":"DE89370400440532013000","transferTitle":"t"} trailing"#
            .to_string(),
    )
    .await;
    assert_eq!(
        (status, &reply["errorCode"]),
        (400, &Value::from("P403")),
        "{reply}"
    );
    assert_eq!(eur_balance(&sb).await, before, "money moved");
    // A query's amount is bound too.
    let r = reqwest::Client::new()
        .get(format!(
            "{}/v1/partner/exchange/get-lock?currencyFrom=eur&currencyTo=btc&amount=1e28",
            sb.base_url()
        ))
        .header("x-api-key", sb.api_key())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let reply: Value = r.json().await.unwrap();
    assert_eq!(reply["errorCode"], "P403", "{reply}");
}

/// Funds are P100's business when it processes an operation, not when it accepts it: a SEPA
/// transfer accepted while the balance was short, and funded before it settled, succeeds (it
/// failed with "150150.00 eur needed, 200000.00 available").
#[tokio::test]
async fn money_that_came_in_before_an_operation_settled_counts() {
    let sb = settling_after(600).await;
    let c = sb.client();
    let sent = |amount_eur: &'static str| {
        let c = c.clone();
        async move {
            let request = p100::models::PartnerSepaTransferRequest::new(
                amount(amount_eur),
                "DE89370400440532013000",
                "Larger than the balance",
            );
            c.sepa()
                .partner_transfer(&request)
                .await
                .unwrap()
                .transfer_id
        }
    };
    let settled = |id: String| {
        let c = c.clone();
        async move { c.sepa().wait_for(&id, fast_wait()).await.unwrap() }
    };
    let t = sent("150000.00").await;
    sb.fund(&serde_json::json!({"currency": "eur", "amount": "100000.00"}))
        .await
        .unwrap();
    let d = settled(t).await;
    assert_eq!(d.status.to_string(), "SUCCESSFUL", "{d:?}");
    // Still short when it settles: FAILED, P433.
    let d = settled(sent("900000.00").await).await;
    assert_eq!(d.status.to_string(), "FAILED", "{d:?}");
    assert_eq!(d.error.and_then(|e| e.error_code).as_deref(), Some("P433"));
}

/// What was on its way to a deleted user ends when they are deleted: a user created later under
/// the same id (the next run of a test with fixed ids) does not receive it (it did: 500 EUR
/// and 0.5 BTC).
#[tokio::test]
async fn a_deleted_users_pending_money_never_reaches_a_new_user_of_the_same_id() {
    let sb = settling_after(400).await;
    let (before, transfer) = pending_transfer_to(&sb, "nk1", "500.00").await;
    sb.client().users().delete("nk1").await.unwrap();
    verified_user(&sb.client(), "nk1").await;
    failed_and_refunded(&sb, &transfer, "nk1", &before, "P412").await;
    // Still nothing once the settle delay has long passed.
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    failed_and_refunded(&sb, &transfer, "nk1", &before, "P412").await;
}

/// A user suspended before a transfer to them settles takes no deposit (the docs: a frozen user
/// cannot receive one): the transfer fails P455 and the money goes back (it was credited).
#[tokio::test]
async fn a_transfer_to_a_user_suspended_before_it_settled_fails_and_is_refunded() {
    let sb = settling_after(400).await;
    let (before, transfer) = pending_transfer_to(&sb, "sus1", "100.00").await;
    sb.client().users().suspend("sus1").await.unwrap();
    failed_and_refunded(&sb, &transfer, "sus1", &before, "P455").await;
}

/// The controls take no key: a page of another origin in the developer's browser could fund
/// balances with a `text/plain` POST (it got 200). Now a foreign `Origin` is refused; tools
/// (no `Origin`) and the sandbox's own origin are served.
#[tokio::test]
async fn the_controls_answer_no_other_web_origin() {
    let sb = sandbox().await;
    let before = eur_balance(&sb).await;
    let url = format!("{}/_sandbox/fund", sb.base_url());
    let own = sb.base_url().to_string();
    let send = |origin: Option<&str>| {
        let mut r = reqwest::Client::new()
            .post(&url)
            .header("content-type", "text/plain")
            .body(r#"{"currency":"eur","amount":"5.00"}"#);
        if let Some(o) = origin {
            r = r.header("origin", o);
        }
        r.send()
    };
    for origin in ["http://evil.example", "null", "https://127.0.0.1"] {
        let r = send(Some(origin)).await.unwrap();
        assert_eq!(r.status(), 403, "{origin}");
    }
    // A page whose name was rebound to 127.0.0.1 sends a matching Origin and Host.
    let rebound = reqwest::Client::new()
        .post(&url)
        .header("host", "evil.example:8080")
        .header("origin", "http://evil.example:8080")
        .body(r#"{"currency":"eur","amount":"5.00"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(rebound.status(), 403);
    assert_eq!(eur_balance(&sb).await, before, "a foreign page moved money");
    assert_eq!(send(Some(&own)).await.unwrap().status(), 200);
    assert_eq!(send(None).await.unwrap().status(), 200);
}

/// A user's own transfer accepted while their funds were short, whose funds then came in:
/// deleted (and the id created again) or suspended before it settled, it takes nothing. It
/// took the new user's money, and a frozen user's (the review of this stop's diff).
#[tokio::test]
async fn a_deleted_or_suspended_payer_pays_nothing_at_settlement() {
    let sb = settling_after(500).await;
    let c = sb.client();
    let btc = |id: &str| {
        let c = c.clone();
        let id = id.to_string();
        async move {
            let b = c.users().balances(&id).await.unwrap();
            let btc = b
                .crypto_balances
                .iter()
                .find(|x| x.name == p100::Currency::Btc);
            btc.map(|x| x.amount.value())
        }
    };
    let fund =
        |id: &str| serde_json::json!({"currency": "btc", "amount": "0.5", "externalUserId": id});
    for (id, code) in [("nk9", "P412"), ("s9", "P455")] {
        verified_user(&c, id).await;
        let t = c
            .transfers()
            .create(&p100::models::TransferRequest {
                source_external_user_id: Some(id.into()),
                amount: amount("0.5"),
                currency: p100::Currency::Btc,
                ..Default::default()
            })
            .await
            .unwrap();
        if code == "P412" {
            c.users().delete(id).await.unwrap();
            verified_user(&c, id).await;
            sb.fund(&fund(id)).await.unwrap();
        } else {
            sb.fund(&fund(id)).await.unwrap();
            c.users().suspend(id).await.unwrap();
        }
        let funded = btc(id).await;
        assert_eq!(funded, Some(p100::rust_decimal::Decimal::new(5, 1)), "{id}");
        let d = c
            .transfers()
            .wait_for(&t.transfer_id, fast_wait())
            .await
            .unwrap();
        assert_eq!(d.status.to_string(), "FAILED", "{id}: {d:?}");
        assert_eq!(d.error.and_then(|e| e.error_code).as_deref(), Some(code));
        assert_eq!(btc(id).await, funded, "{id} paid");
    }
}
