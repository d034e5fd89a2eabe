//! Sandbox controls (seed, reset, time scale…) and the command-line server's logs.
#![allow(unused_imports)] // the shared imports of the API tests

mod common;

use common::*;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use p100::models::*;
use p100::webhooks::{Verifier, WebhookEvent};
use p100::{Amount, Client, Currency, ErrorCode, ErrorKind, Network, SecretString, WaitOptions};
use p100_sandbox::{RunningSandbox, Sandbox};
use serde_json::{json, Value};

#[tokio::test]
async fn controls_and_reset() {
    let sb = sandbox().await;
    let c = sb.client();
    let http = reqwest::Client::new();
    let base = sb.base_url().to_string();
    let post = |path: &str, body: Value| http.post(format!("{base}{path}")).json(&body).send();
    // Fund the partner and a user directly.
    let r = post(
        "/_sandbox/fund",
        json!({"currency": "usdt", "amount": "10.5"}),
    )
    .await
    .unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["balance"], "25010.500000");
    let r = post(
        "/_sandbox/fund",
        json!({"externalUserId": "ghost", "currency": "eur", "amount": "1"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 404);
    let r = post(
        "/_sandbox/fund",
        json!({"currency": "eur", "amount": "1.001"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 400);
    c.users()
        .create_without_kyc(&CreateUserWithoutKycRequest {
            external_user_id: "nk-1".into(),
            email: "john@example.com".into(),
            first_name: "John".into(),
            last_name: "Doe".into(),
            address: "Main 1".into(),
            city: "Rzeszow".into(),
            country: "PL".into(),
            ..Default::default()
        })
        .await
        .map(|r| {
            let b = r.balances.unwrap();
            assert_eq!(b.fiat(&Currency::Eur).unwrap().status, None);
            assert_eq!(b.crypto_balances.len(), 7);
        })
        .unwrap();
    post(
        "/_sandbox/fund",
        json!({"externalUserId": "nk-1", "currency": "doge", "amount": "100"}),
    )
    .await
    .unwrap();
    let b = c.users().balances("nk-1").await.unwrap();
    assert_eq!(
        b.crypto(&Currency::Doge).unwrap().amount.to_string(),
        "100.00000000"
    );
    // Non-KYC users get no cards and no verification.
    let e = c
        .cards()
        .create(&CreateCardRequest {
            external_user_id: "nk-1".into(),
            label: "Main".into(),
            pin: SecretString::new("1234"),
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(&ErrorCode::P459));
    // A crypto deposit to the partner, default path: credited after the settle delay.
    post(
        "/_sandbox/crypto-deposit",
        json!({"currency": "ltc", "amount": "1.5"}),
    )
    .await
    .unwrap();
    // Polled, not slept: a busy machine may settle later than the delay.
    let start = Instant::now();
    loop {
        let p = c.partner().balances().await.unwrap();
        let ltc = p.crypto(&Currency::Ltc).unwrap().amount.to_string();
        if ltc == "251.50000000" {
            break;
        }
        assert_eq!(
            ltc, "250.00000000",
            "only the deposit may change the balance"
        );
        assert!(start.elapsed() < Duration::from_secs(10), "never credited");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Time scale control.
    let r = post("/_sandbox/time-scale", json!({"scale": -1}))
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    post("/_sandbox/time-scale", json!({"scale": 0.5}))
        .await
        .unwrap();
    assert_eq!(sb.time_scale(), 0.5);
    // Webhook target control shows the URL, never the token.
    let r = post(
        "/_sandbox/webhooks",
        json!({"url": "http://127.0.0.1:9/x", "token": "secret-tok"}),
    )
    .await
    .unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["tokenSet"], true);
    assert!(!v.to_string().contains("secret-tok"));
    // `ifUrl`: changes the target only while it is still that URL (the CLI's clean-up).
    let off_if = |url: &str| post("/_sandbox/webhooks", json!({"url": null, "ifUrl": url}));
    let v: Value = off_if("http://127.0.0.1:9/other")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        v["url"], "http://127.0.0.1:9/x",
        "another session's target stays"
    );
    let v: Value = off_if("http://127.0.0.1:9/x")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["url"], Value::Null, "its own target is cleared");
    // Reset: back to the start.
    post("/_sandbox/reset", json!({})).await.unwrap();
    assert_eq!(sb.time_scale(), 1.0);
    let p = c.partner().balances().await.unwrap();
    assert_eq!(
        p.fiat(&Currency::Eur).unwrap().amount.to_string(),
        "100000.00"
    );
    assert_eq!(
        p.crypto(&Currency::Usdt).unwrap().amount.to_string(),
        "25000.000000"
    );
    assert_eq!(
        c.users().balances("nk-1").await.unwrap_err().code(),
        Some(&ErrorCode::P412)
    );
    let v: Value = http
        .get(format!("{base}/_sandbox/webhooks"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["url"], Value::Null);
    // Controls never live under /v1/.
    let r = http
        .post(format!("{base}/v1/_sandbox/reset"))
        .header("x-api-key", "test-key")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    // Payment link paid through its page.
    let link = c
        .payment_links()
        .create_checkout(&CreatePaymentLinkRequest::new(
            amount("12.00"),
            Currency::Eur,
        ))
        .await
        .unwrap();
    let url = link.url.unwrap();
    assert!(url.starts_with(&base));
    let r = http
        .post(url.split('?').next().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let d = c
        .payment_links()
        .details(&link.payment_link_id)
        .await
        .unwrap();
    assert_eq!(d.status, PaymentLinkStatus::Paid);
    assert_eq!(d.paid_amount.unwrap().to_string(), "12.00");
}

#[tokio::test]
async fn the_command_line_server_keeps_secrets_out_of_its_logs() {
    use std::io::{BufRead, BufReader, Read};
    use std::process::{Command, Stdio};
    let rx = receiver("cli-webhook-token-9f3a", 0).await;
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_p100-sandbox"))
        .args([
            "--port",
            "0",
            "--api-key",
            "cli-api-key-77c1",
            "--settle-ms",
            "20",
            "--log",
            "--webhook-url",
            &rx.url,
            "--webhook-token",
            "cli-webhook-token-9f3a",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert!(
        line.starts_with("p100-sandbox listening on http://127.0.0.1:"),
        "{line}"
    );
    let base = line.trim().rsplit(' ').next().unwrap().to_string();
    let c = Client::builder()
        .api_key("cli-api-key-77c1")
        .base_url(base.clone())
        .build()
        .unwrap();
    c.partner().balances().await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
    verified_user(&c, "cli-1").await;
    wait_until("a webhook through the CLI", || {
        !rx.events.lock().unwrap().is_empty()
    })
    .await;
    let _ = reqwest::Client::new()
        .get(format!("{base}/v1/partner/balances"))
        .header("x-api-key", "wrong-cli-key")
        .send()
        .await;
    child.kill().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let _ = child.wait();
    assert!(err.contains("GET /v1/partner/balances -> 200"), "{err}");
    assert!(err.contains("webhook"), "{err}");
    for secret in [
        "cli-api-key-77c1",
        "cli-webhook-token-9f3a",
        "wrong-cli-key",
        "CEV12630",
    ] {
        assert!(!err.contains(secret), "the log shows {secret}: {err}");
    }
}

#[tokio::test]
async fn seed_transactions_fills_the_month_history() {
    use chrono::Datelike;
    let sb = sandbox().await;
    let c = sb.client();
    let http = reqwest::Client::new();
    let url = format!("{}/_sandbox/seed-transactions", sb.base_url());
    let seed = |body: Value| http.post(&url).json(&body).send();

    let r = seed(json!({"count": 120})).await.unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["seeded"], 120);
    let (month, year) = (
        v["month"].as_u64().unwrap() as u32,
        v["year"].as_i64().unwrap(),
    );
    let now = chrono::Utc::now();
    assert!(month == now.month() || now.day() == 1, "{v}");

    // One call returns every seeded entry, each decoded by the core, newest first.
    let h = c
        .partner()
        .transactions(&TransactionHistoryQuery::new(month, year as i32))
        .await
        .unwrap();
    assert_eq!(h.transactions.len(), 120);
    let kinds: std::collections::BTreeSet<_> = h
        .transactions
        .iter()
        .map(|t| t.r#type.clone().unwrap())
        .collect();
    let want = [
        "crypto_deposit",
        "crypto_withdrawal",
        "exchange",
        "sepa_deposit",
        "sepa_transfer",
        "transfer",
    ];
    assert_eq!(kinds.iter().map(String::as_str).collect::<Vec<_>>(), want);
    for t in &h.transactions {
        assert!(
            t.id.is_some() && t.amount.is_some() && t.currency.is_some(),
            "{t:?}"
        );
        assert!(t.created_at.is_some() && t.direction.is_some(), "{t:?}");
    }
    let times: Vec<_> = h
        .transactions
        .iter()
        .map(|t| t.created_at.clone())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "not newest first");

    // Seeding adds to the history; balances are untouched; reset clears it.
    let before = c.partner().balances().await.unwrap();
    seed(json!({"count": 5})).await.unwrap();
    let h = c
        .partner()
        .transactions(&TransactionHistoryQuery::new(month, year as i32))
        .await
        .unwrap();
    assert_eq!(h.transactions.len(), 125);
    assert_eq!(c.partner().balances().await.unwrap(), before);

    // A user's history, and the refusals.
    let r = seed(json!({"count": 1, "externalUserId": "ghost"}))
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    for bad in [json!({"count": 0}), json!({"count": 100_001}), json!({})] {
        let r = seed(bad.clone()).await.unwrap();
        assert_eq!(r.status(), 400, "{bad}");
    }
    http.post(format!("{}/_sandbox/reset", sb.base_url()))
        .send()
        .await
        .unwrap();
    let h = c
        .partner()
        .transactions(&TransactionHistoryQuery::new(month, year as i32))
        .await
        .unwrap();
    assert!(h.transactions.is_empty());
}

#[tokio::test]
async fn the_rust_api_reaches_every_control() {
    let sb = sandbox().await;
    let v = sb
        .fund(&json!({"currency": "eur", "amount": "5"}))
        .await
        .unwrap();
    assert!(v["balance"].is_string(), "{v}");
    let c = sb.client();
    let eur = c.partner().balances().await.unwrap();
    assert_eq!(
        eur.fiat(&Currency::Eur).unwrap().amount.to_string(),
        v["balance"].as_str().unwrap()
    );
    // Any control by path; a refusal carries the control's message.
    let scale = sb
        .control("GET", "/_sandbox/time-scale", None)
        .await
        .unwrap();
    assert_eq!(scale["scale"], 1.0);
    let e = sb
        .fund(&json!({"externalUserId": "ghost", "currency": "eur", "amount": "1"}))
        .await
        .unwrap_err();
    assert!(e.message().contains("unknown user"), "{e}");
    assert_eq!((e.http_status(), e.field()), (404, Some("externalUserId")));
    // An amount with a fraction written as a JSON number (a JS test's `10.5`) is refused as the
    // SDK refuses it; a whole number is an exact amount.
    let e = sb
        .fund(&json!({"currency": "eur", "amount": 10.5}))
        .await
        .unwrap_err();
    assert_eq!((e.http_status(), e.field()), (400, Some("amount")), "{e}");
    assert!(e.message().contains("decimal string"), "{e}");
    let e = sb
        .fund(&json!({"currency": "eur", "amont": "1"}))
        .await
        .unwrap_err();
    assert_eq!(e.http_status(), 400, "{e}");
    sb.fund(&json!({"currency": "eur", "amount": 10}))
        .await
        .unwrap();
    let e = sb
        .control("GET", "/v1/partner/balances", None)
        .await
        .unwrap_err();
    assert!(e.message().contains("not a control"), "{e}");
    assert_eq!(e.field(), Some("path"));
}
