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
    tokio::time::sleep(Duration::from_millis(250)).await;
    let p = c.partner().balances().await.unwrap();
    assert_eq!(
        p.crypto(&Currency::Ltc).unwrap().amount.to_string(),
        "251.50000000"
    );
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
