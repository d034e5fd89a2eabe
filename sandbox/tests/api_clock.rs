//! The virtual clock (`POST /_sandbox/advance`, `RunningSandbox::advance`) and
//! `POST /_sandbox/trigger`.
#![allow(unused_imports)] // the shared imports of the API tests

mod common;

use common::*;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::http::{HeaderMap, StatusCode};
use p100::models::*;
use p100::webhooks::{Verifier, WebhookEvent};
use p100::{Amount, Client, Currency, ErrorCode, ErrorKind, Network, SecretString, WaitOptions};
use p100_sandbox::{RunningSandbox, Sandbox};
use serde_json::{json, Value};

async fn slow_sandbox() -> RunningSandbox {
    Sandbox::builder()
        .api_key("test-key")
        .settle(Duration::from_secs(600))
        .start()
        .await
        .unwrap()
}

async fn post(sb: &RunningSandbox, path: &str, body: Value) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(format!("{}{path}", sb.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

#[tokio::test]
async fn advance_makes_pending_operations_final_at_once() {
    let sb = slow_sandbox().await;
    let c = sb.client();
    let t = c
        .sepa()
        .partner_transfer(&PartnerSepaTransferRequest::new(
            amount("10.00"),
            "DE89370400440532013000",
            "Invoice 7",
        ))
        .await
        .unwrap();
    let ol = c
        .orders()
        .lock(&OrderLockRequest::new(
            Currency::Usdc,
            amount("100.00"),
            Network::Polygon,
        ))
        .await
        .unwrap();
    let o = c
        .orders()
        .create(&CreateOrderRequest {
            lock_id: ol.lock_id,
        })
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let d = c.sepa().details(&t.transfer_id).await.unwrap();
    assert_eq!(d.status, SepaTransferStatus::Pending);

    // Halfway: the order got its wallet address (half the settle delay), the transfer waits.
    let before = SystemTime::now();
    let (status, v) = post(&sb, "/_sandbox/advance", json!({"seconds": 300})).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["advancedSeconds"], 300.0);
    let now = chrono::DateTime::parse_from_rfc3339(v["now"].as_str().unwrap()).unwrap();
    let ahead = SystemTime::from(now).duration_since(before).unwrap();
    assert!(ahead >= Duration::from_secs(299), "{ahead:?}");
    let od = c.orders().details(&o.order_id).await.unwrap();
    assert_eq!(od.status, OrderStatus::WaitingForConfirmation);
    assert_eq!(
        c.sepa().details(&t.transfer_id).await.unwrap().status,
        SepaTransferStatus::Pending
    );

    // The rest of the settle delay: final at once (the work ran before the reply).
    let (status, _) = post(&sb, "/_sandbox/advance", json!({"seconds": 300})).await;
    assert_eq!(status, 200);
    let d = c.sepa().details(&t.transfer_id).await.unwrap();
    assert_eq!(d.status, SepaTransferStatus::Successful);
    assert_eq!(
        c.orders().details(&o.order_id).await.unwrap().status,
        OrderStatus::Completed
    );

    // In one step, due work runs in due order: the order ends COMPLETED, not
    // WAITING_FOR_CONFIRMATION (its half-way step is due first).
    let ol = c
        .orders()
        .lock(&OrderLockRequest::new(
            Currency::Usdc,
            amount("50.00"),
            Network::Polygon,
        ))
        .await
        .unwrap();
    let o = c
        .orders()
        .create(&CreateOrderRequest {
            lock_id: ol.lock_id,
        })
        .await
        .unwrap();
    let t0 = sb.now();
    let now = sb.advance(Duration::from_secs(3600)).unwrap();
    assert!(now.duration_since(t0).unwrap() >= Duration::from_secs(3600));
    assert_eq!(
        c.orders().details(&o.order_id).await.unwrap().status,
        OrderStatus::Completed
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn locks_expire_when_the_clock_moves() {
    let sb = slow_sandbox().await;
    let c = sb.client();
    let lock = c
        .exchange()
        .partner_lock(&ExchangeLockQuery::default())
        .await
        .unwrap();
    let kept = c
        .exchange()
        .partner_lock(&ExchangeLockQuery::default())
        .await
        .unwrap();
    // 30 s later both are still good.
    sb.advance(Duration::from_secs(30)).unwrap();
    let req =
        |id: &str| PartnerExchangeRequest::new(amount("0.5"), Currency::Eth, Currency::Eur, id);
    c.exchange()
        .partner_execute(&req(&kept.lock_id))
        .await
        .unwrap();
    // 41 s after its creation: P437 (an exchange lock lives 40 s).
    let (status, _) = post(&sb, "/_sandbox/advance", json!({"seconds": 11})).await;
    assert_eq!(status, 200);
    let e = c
        .exchange()
        .partner_execute(&req(&lock.lock_id))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(&ErrorCode::Unknown("P437".into())));
    assert_eq!(e.error_name(), Some("lock-expired"));

    // A lock made after the advance shows the sandbox's time and lives 40 s on its clock.
    let fresh = c
        .exchange()
        .partner_lock(&ExchangeLockQuery::default())
        .await
        .unwrap();
    let created =
        chrono::DateTime::parse_from_rfc3339(fresh.created_at.as_deref().unwrap()).unwrap();
    let real = chrono::Utc::now();
    assert!((created.with_timezone(&chrono::Utc) - real).num_seconds() >= 40);
    c.exchange()
        .partner_execute(&req(&fresh.lock_id))
        .await
        .unwrap();

    // Order locks: 15 min.
    let ol = c
        .orders()
        .lock(&OrderLockRequest::new(
            Currency::Usdc,
            amount("100.00"),
            Network::Polygon,
        ))
        .await
        .unwrap();
    sb.advance(Duration::from_secs(15 * 60 + 1)).unwrap();
    let e = c
        .orders()
        .create(&CreateOrderRequest {
            lock_id: ol.lock_id,
        })
        .await
        .unwrap_err();
    assert_eq!(e.error_name(), Some("lock-expired"));
    sb.shutdown().await;
}

#[tokio::test]
async fn a_failed_webhook_is_retried_when_the_clock_moves() {
    let rx = receiver("whsec-clock", 1).await;
    let sb = Sandbox::builder()
        .api_key("test-key")
        .settle(Duration::from_secs(600))
        .webhook(&rx.url, "whsec-clock")
        .start()
        .await
        .unwrap();
    let (status, v) = post(
        &sb,
        "/_sandbox/trigger",
        json!({"event": "kyc_file", "externalUserId": "clock-1"}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    wait_until("the first attempt", || {
        sb.deliveries().iter().any(|d| d["attempt"] == 1)
    })
    .await;
    let first = sb.deliveries()[0].clone();
    assert_eq!(first["statusCode"], 500);
    // Real time alone does not bring the retry (8 s away).
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(sb.deliveries().len(), 1);
    // 7 s on the clock: still not due.
    sb.advance(Duration::from_secs(7)).unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(sb.deliveries().len(), 1);
    // 8 s: retried right away.
    let started = Instant::now();
    let (status, _) = post(&sb, "/_sandbox/advance", json!({"seconds": 1})).await;
    assert_eq!(status, 200);
    wait_until("the retry", || {
        sb.deliveries().iter().any(|d| d["attempt"] == 2)
    })
    .await;
    assert!(started.elapsed() < Duration::from_secs(5));
    let log = sb.deliveries();
    assert_eq!(log[1]["statusCode"], 200);
    assert_eq!(log[1]["eventId"], first["eventId"]);
    assert_eq!(log[1]["payload"], first["payload"]);
    let events = rx.events.lock().unwrap().clone();
    assert!(
        matches!(&events[..], [WebhookEvent::KycFile(k)] if k.external_user_id == "clock-1"),
        "{events:?}"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn advance_refuses_bad_input() {
    let sb = sandbox().await;
    for body in [
        json!({}),
        json!({"seconds": null}),
        json!({"seconds": 0}),
        json!({"seconds": -5}),
        json!({"seconds": "60"}),
        json!({"seconds": 2_592_001}),
        json!({"seconds": 1e300}),
        json!({"secs": 60}),
        json!([60]),
    ] {
        let (status, v) = post(&sb, "/_sandbox/advance", body.clone()).await;
        assert_eq!(status, 400, "{body}: {v}");
        let msg = v["error"].as_str().unwrap();
        assert!(msg.contains("seconds"), "{body}: {msg}");
    }
    let r = reqwest::Client::new()
        .post(format!("{}/_sandbox/advance", sb.base_url()))
        .body("{\"seconds\":")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // The limits themselves are fine; fractions too.
    let (status, v) = post(&sb, "/_sandbox/advance", json!({"seconds": 0.5})).await;
    assert_eq!(status, 200, "{v}");
    let (status, _) = post(&sb, "/_sandbox/advance", json!({"seconds": 2_592_000})).await;
    assert_eq!(status, 200);
    assert!(sb.advance(Duration::ZERO).is_err());
    let too_far = sb
        .advance(Duration::from_secs(p100_sandbox::MAX_ADVANCE_SECS + 1))
        .unwrap_err();
    assert_eq!(too_far.field(), Some("seconds"), "{too_far}");
    // Reset goes back to real time.
    assert!(sb.now().duration_since(SystemTime::now()).unwrap() > Duration::from_secs(29 * 86_400));
    sb.reset();
    assert!(
        sb.now().duration_since(SystemTime::now()).is_err() || {
            sb.now().duration_since(SystemTime::now()).unwrap() < Duration::from_secs(1)
        }
    );
    sb.shutdown().await;
}

/// True when every status-like field the event carries is one the SDK knows.
fn statuses_known(e: &WebhookEvent) -> bool {
    match e {
        WebhookEvent::UserStatus(e) => !e.status.is_unknown(),
        WebhookEvent::KycFile(e) => !e.status.is_unknown(),
        WebhookEvent::PoaVerification(e) => !e.status.is_unknown(),
        WebhookEvent::KycVerification(e) => {
            e.verification_status
                .as_ref()
                .is_some_and(|s| !s.is_unknown())
                && e.attempt_status.as_ref().is_some_and(|s| !s.is_unknown())
        }
        WebhookEvent::Transfer(e) => !e.status.is_unknown() && e.amount.is_some(),
        WebhookEvent::SepaTransfer(e) => !e.status.is_unknown() && e.amount.is_some(),
        WebhookEvent::CryptoWithdrawal(e) => {
            !e.status.is_unknown() && e.network.as_ref().is_some_and(|n| !n.is_unknown())
        }
        WebhookEvent::CryptoDeposit(e) => !e.status.is_unknown() && e.amount.is_some(),
        WebhookEvent::Exchange(e) => !e.status.is_unknown() && e.received_amount.is_some(),
        WebhookEvent::SepaDeposit(e) => e.amount.is_some() && e.sender_iban.is_some(),
        WebhookEvent::IbanStatus(e) => !e.status.is_unknown(),
        WebhookEvent::OrderStatus(e) => {
            !e.status.is_unknown() && e.network.as_ref().is_some_and(|n| !n.is_unknown())
        }
        WebhookEvent::PaymentLink(e) => !e.status.is_unknown() && e.paid_amount.is_some(),
        WebhookEvent::CardTransaction(e) => e.card_id.is_some() && e.amount.is_some(),
        WebhookEvent::Card3dsCode(e) => {
            let code = e.code.expose();
            code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
        }
        WebhookEvent::CardActivationCode(e) => !e.code.expose().is_empty(),
        WebhookEvent::WalletCreated(e) => !e.address.is_empty(),
        _ => true,
    }
}

#[tokio::test]
async fn trigger_emits_every_event_of_the_core_list() {
    let rx = receiver("whsec-trigger", 0).await;
    let sb = Sandbox::builder()
        .api_key("test-key")
        .settle(Duration::from_millis(80))
        .webhook(&rx.url, "whsec-trigger")
        .start()
        .await
        .unwrap();
    let mut ids = HashMap::new();
    for name in p100::webhooks::EVENT_NAMES {
        let (status, v) = post(
            &sb,
            "/_sandbox/trigger",
            json!({"event": name, "externalUserId": "trig-1"}),
        )
        .await;
        assert_eq!(status, 200, "{name}: {v}");
        assert_eq!(v["event"], *name);
        let id = v["id"].as_str().unwrap().to_string();
        assert!(!id.is_empty());
        ids.insert(name.to_string(), (id, v["payload"].clone()));
    }
    let n = p100::webhooks::EVENT_NAMES.len();
    wait_until("every delivery", || {
        sb.deliveries().iter().filter(|d| d["ok"] == true).count() == n
    })
    .await;
    for d in sb.deliveries() {
        let name = d["event"].as_str().unwrap();
        let (id, payload) = &ids[name];
        assert_eq!(&d["payload"], payload, "{name}");
        // The delivered body, through the SDK's parser: the matching typed variant.
        let e = p100::webhooks::parse_event(&d["payload"].to_string()).unwrap();
        assert_eq!(e.name(), name, "{name}: {e:?} from {}", d["payload"]);
        assert!(!e.is_unknown());
        assert!(statuses_known(&e), "{name}: {e:?}");
        // The reply's id is in the payload: the user's for user events, the wallet address
        // for wallets, else a UUID.
        assert!(d["payload"].to_string().contains(id.as_str()), "{name}");
        if matches!(name, "user_status" | "kyc_file" | "poa_verification") {
            assert_eq!(id, "trig-1");
        } else if name != "wallet_created" {
            assert_eq!(id.len(), 36, "{name}: {id}");
            assert_eq!(id.matches('-').count(), 4, "{name}: {id}");
        }
        let user_event = !matches!(name, "order_status" | "payment_link");
        if user_event {
            assert!(d["payload"].to_string().contains("trig-1"), "{name}");
        }
    }
    // The receiver (token checked by the SDK's verifier) got every one, none unknown.
    let got = rx.events.lock().unwrap().clone();
    assert_eq!(got.len(), n, "{got:?}");
    let mut names: Vec<&str> = got.iter().map(|e| e.name()).collect();
    names.sort_unstable();
    let mut want = p100::webhooks::EVENT_NAMES.to_vec();
    want.sort_unstable();
    assert_eq!(names, want);
    sb.shutdown().await;
}

#[tokio::test]
async fn trigger_uses_known_users_and_refuses_bad_input() {
    let sb = Sandbox::builder()
        .api_key("test-key")
        .settle(Duration::from_millis(80))
        .start()
        .await
        .unwrap();
    // Without a webhook target nothing would be sent: 409.
    let (status, v) = post(&sb, "/_sandbox/trigger", json!({"event": "user_status"})).await;
    assert_eq!(status, 409, "{v}");
    assert!(v["error"].as_str().unwrap().contains("/_sandbox/webhooks"));
    let sink = format!("{}/_sandbox/webhook-sink", sb.base_url());
    sb.set_webhook(Some((&sink, "t"))).unwrap();

    let (status, v) = post(&sb, "/_sandbox/trigger", json!({"event": "user_created"})).await;
    assert_eq!(status, 400);
    let msg = v["error"].as_str().unwrap();
    for name in p100::webhooks::EVENT_NAMES {
        assert!(msg.contains(name), "{msg}");
    }
    let (status, v) = post(&sb, "/_sandbox/trigger", json!({})).await;
    assert_eq!(status, 400);
    assert!(v["error"].as_str().unwrap().contains("event"));
    let (status, _) = post(
        &sb,
        "/_sandbox/trigger",
        json!({"event": "kyc_file", "externalUserId": " "}),
    )
    .await;
    assert_eq!(status, 400);

    // No user given and none known: a new id; a known user is used with their card.
    let (status, v) = post(&sb, "/_sandbox/trigger", json!({"event": "user_status"})).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["externalUserId"].as_str().unwrap().len(), 36);
    let c = sb.client();
    verified_user(&c, "trig-known").await;
    let card = c
        .cards()
        .create(&CreateCardRequest {
            external_user_id: "trig-known".into(),
            label: "Main".into(),
            pin: SecretString::new("1234"),
        })
        .await
        .unwrap();
    let (status, v) = post(&sb, "/_sandbox/trigger", json!({"event": "Card-3DS-Code"})).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["event"], "card_3ds_code");
    assert_eq!(v["externalUserId"], "trig-known");
    assert_eq!(v["payload"]["cardId"].as_str(), Some(card.card_id.as_str()));
    // The Rust API.
    let p = sb.trigger("wallet_created", Some("trig-known")).unwrap();
    let b = c.users().balances("trig-known").await.unwrap();
    assert_eq!(
        p["address"].as_str(),
        b.crypto(&Currency::Eth).unwrap().wallet.as_deref()
    );
    assert!(sb.trigger("nope", None).is_err());
    wait_until("the deliveries", || sb.deliveries().len() >= 4).await;
    sb.shutdown().await;
}

/// The `Date` header is the sandbox's own time, as P100's comes from the clock that stamps its
/// history: after `advance`, the SDK's `reconcile` reads the difference from it and still finds
/// a transfer whose reply was lost (stamped a day "after" its sending by this machine's clock,
/// it would otherwise be taken for a later call: stop 47).
#[tokio::test]
async fn the_date_header_follows_the_clock_and_reconcile_still_finds_a_lost_reply() {
    let sb = sandbox().await;
    sb.advance(Duration::from_secs(24 * 3600)).unwrap();
    lost_reply_is_found(&sb, 24 * 3600).await;
    // Into a later month (35 days): the month P100 stamped it in is read too (the review of
    // the fixes: the months read stopped at this machine's now, and it was `not_found`).
    for _ in 0..2 {
        sb.advance(Duration::from_secs(17 * 24 * 3600)).unwrap();
    }
    lost_reply_is_found(&sb, 35 * 24 * 3600).await;
}

async fn lost_reply_is_found(sb: &RunningSandbox, advanced: i64) {
    let c = sb.client_builder().max_retries(0).build().unwrap();
    let meta = c
        .with_response()
        .partner()
        .balances()
        .await
        .unwrap()
        .response;
    let date = meta.header("date").expect("a Date header").to_string();
    let server = chrono::DateTime::parse_from_rfc2822(&date)
        .unwrap()
        .timestamp();
    let ahead = server - chrono::Utc::now().timestamp();
    assert!(
        (advanced - 3600..advanced + 3600).contains(&ahead),
        "{date}: {ahead} s"
    );
    sb.inject(p100_sandbox::FaultSpec::new("process-then-drop"))
        .unwrap();
    let e = c
        .sepa()
        .partner_transfer(&PartnerSepaTransferRequest::new(
            amount("10.00"),
            "DE89370400440532013000",
            format!("Invoice {advanced}"),
        ))
        .await
        .unwrap_err();
    assert_eq!(e.outcome(), p100::Outcome::Unknown, "{e}");
    let r = c.reconcile(&e).await.unwrap();
    assert_eq!(r.as_str(), "found", "{r:?}");
}
