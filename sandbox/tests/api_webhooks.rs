//! Webhook deliveries: token, retries, giving up, and every payload recognised by the SDK.
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
async fn webhooks_carry_the_token_and_are_retried() {
    let rx = receiver("whsec-test", 1).await;
    // 1000x faster: the 8 s retry comes after 8 ms.
    let sb = Sandbox::builder()
        .api_key("test-key")
        .settle(Duration::from_millis(80))
        .time_scale(0.001)
        .webhook(&rx.url, "whsec-test")
        .start()
        .await
        .unwrap();
    let c = sb.client();
    verified_user(&c, "wh-1").await;
    wait_until("the user status event", || {
        rx.events
            .lock()
            .unwrap()
            .iter()
            .any(|e| matches!(e, WebhookEvent::UserStatus(u) if u.status == UserStatus::Active))
    })
    .await;
    // The first delivery to arrive failed with 500 and was retried 8 s × 0.001 later.
    wait_until("a retry", || {
        sb.deliveries().iter().any(|d| d["attempt"] == 2)
    })
    .await;
    let log = sb.deliveries();
    let failed: Vec<&Value> = log.iter().filter(|d| d["statusCode"] == 500).collect();
    assert_eq!(failed.len(), 1, "{log:?}");
    assert_eq!(failed[0]["attempt"], 1);
    let retry = log
        .iter()
        .find(|d| d["eventId"] == failed[0]["eventId"] && d["attempt"] == 2)
        .expect("a second attempt");
    assert_eq!(retry["statusCode"], 200);
    assert_eq!(retry["payload"], failed[0]["payload"]);
    wait_until("the kyc file event", || {
        rx.events
            .lock()
            .unwrap()
            .iter()
            .any(|e| matches!(e, WebhookEvent::KycFile(_)))
    })
    .await;
    assert!(rx
        .events
        .lock()
        .unwrap()
        .iter()
        .any(|e| matches!(e, WebhookEvent::KycFile(k) if k.status == KycFileStatus::Added)));

    // Money movements report their final status.
    fund(&c, "wh-1", "100.00", Currency::Eur).await;
    let t = c
        .sepa()
        .user_transfer(&UserSepaTransferRequest::new(
            "wh-1",
            amount("500.00"),
            "DE89370400440532013000",
            "Too much",
        ))
        .await
        .unwrap();
    wait_until("the failed SEPA event", || {
        rx.events.lock().unwrap().iter().any(|e| {
            matches!(e, WebhookEvent::SepaTransfer(s)
                if s.id == t.transfer_id && s.status == SepaTransferStatus::Failed
                && s.error.as_ref().and_then(|x| x.code()) == Some(ErrorCode::P433))
        })
    })
    .await;
    assert!(rx.events.lock().unwrap().iter().any(
        |e| matches!(e, WebhookEvent::Transfer(tr) if tr.status == TransferStatus::Successful)
    ));

    // Deposits.
    let http = reqwest::Client::new();
    let r = http
        .post(format!("{}/_sandbox/crypto-deposit", sb.base_url()))
        .json(&json!({"externalUserId": "wh-1", "currency": "eth", "amount": "0.25", "status": "WAITING_FOR_TR_DATA"}))
        .send()
        .await
        .unwrap();
    let dep: Value = r.json().await.unwrap();
    let dep_id = dep["cryptoDepositId"].as_str().unwrap().to_string();
    c.crypto()
        .update_travel_rule(&TravelRuleUpdateRequest {
            crypto_deposit_id: dep_id.clone(),
            name: "Anna Nowak".into(),
            wallet_type: WalletType::Custodial,
            receiver_type: ReceiverType::Natural,
            wallet_address: None,
            first_name: None,
            last_name: None,
            company_name: None,
        })
        .await
        .unwrap();
    wait_until("the deposit success event", || {
        rx.events.lock().unwrap().iter().any(|e| {
            matches!(e, WebhookEvent::CryptoDeposit(d)
                if d.crypto_deposit_id == dep_id && d.status == CryptoDepositStatus::Successful)
        })
    })
    .await;
    let r = http
        .post(format!("{}/_sandbox/sepa-deposit", sb.base_url()))
        .json(&json!({"externalUserId": "wh-1", "amount": "40.00", "senderName": "Jan Kowalski"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    wait_until("the SEPA deposit event", || {
        rx.events
            .lock()
            .unwrap()
            .iter()
            .any(|e| matches!(e, WebhookEvent::SepaDeposit(_)))
    })
    .await;
    assert!(rx.events.lock().unwrap().iter().any(
        |e| matches!(e, WebhookEvent::IbanStatus(s) if s.status == p100::webhooks::IbanStatus::Approved)
    ));
    let b = c.users().balances("wh-1").await.unwrap();
    assert_eq!(b.fiat(&Currency::Eur).unwrap().amount.to_string(), "140.00");
    assert_eq!(
        b.crypto(&Currency::Eth).unwrap().amount.to_string(),
        "0.25000000"
    );
    // A sender whose name does not match the user: REJECTED, nothing credited.
    http.post(format!("{}/_sandbox/sepa-deposit", sb.base_url()))
        .json(&json!({"externalUserId": "wh-1", "amount": "40.00", "senderName": "Someone Else"}))
        .send()
        .await
        .unwrap();
    wait_until("the rejected IBAN status", || {
        rx.events.lock().unwrap().iter().any(
            |e| matches!(e, WebhookEvent::IbanStatus(s) if s.status == p100::webhooks::IbanStatus::Rejected),
        )
    })
    .await;
    assert_eq!(
        c.users()
            .balances("wh-1")
            .await
            .unwrap()
            .fiat(&Currency::Eur)
            .unwrap()
            .amount
            .to_string(),
        "140.00"
    );

    // The receiver itself rejects a wrong token with 401.
    let r = http
        .post(&rx.url)
        .header("authorization", "wrong")
        .body(r#"{"externalUserId":"x","status":"ACTIVE"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(*rx.rejected.lock().unwrap(), 1);
    // The sandbox never put a wrong token: every rejection above is ours.
    sb.shutdown().await;
}

#[tokio::test]
async fn webhooks_give_up_after_five_attempts() {
    let sb = Sandbox::builder()
        .api_key("test-key")
        .settle(Duration::from_millis(50))
        .time_scale(0.001)
        .start()
        .await
        .unwrap();
    // The sandbox's own sink, told to answer 503.
    let sink = format!("{}/_sandbox/webhook-sink?status=503", sb.base_url());
    sb.set_webhook(Some((&sink, "tok"))).unwrap();
    let c = sb.client();
    c.users().create(&new_user("gu-1")).await.unwrap();
    c.users().suspend("gu-1").await.unwrap();
    wait_until("five attempts", || sb.deliveries().len() >= 5).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let log = sb.deliveries();
    assert_eq!(log.len(), 5, "{log:?}");
    for (i, d) in log.iter().enumerate() {
        assert_eq!(d["attempt"], i as u64 + 1);
        assert_eq!(d["statusCode"], 503);
        assert_eq!(d["ok"], false);
        assert_eq!(d["payload"]["status"], "SUSPENDED");
    }
    // The delivery log never shows the token.
    assert!(!serde_json::to_string(&log).unwrap().contains("\"tok\""));
}

#[tokio::test]
async fn every_webhook_payload_is_recognised_by_the_sdk() {
    let sb = Sandbox::builder()
        .api_key("test-key")
        .settle(Duration::from_millis(40))
        .start()
        .await
        .unwrap();
    let sink = format!("{}/_sandbox/webhook-sink", sb.base_url());
    sb.set_webhook(Some((&sink, "tok"))).unwrap();
    let c = sb.client();
    let http = reqwest::Client::new();
    let base = sb.base_url().to_string();

    let mut req = new_user("ev-1");
    req.country = "UA".into();
    c.users().create(&req).await.unwrap();
    c.kyc()
        .upload_poa(&PoaFilesRequest {
            external_user_id: "ev-1".into(),
            files: vec![FileUpload::new("bill.png", png())],
        })
        .await
        .unwrap();
    c.kyc()
        .create_verification(&CreateKycVerificationRequest {
            external_user_id: "ev-1".into(),
            document_type: DocumentType::Passport,
            country: "UA".into(),
            income_source: IncomeSource::Other,
            open_account_reason: OpenAccountReason::DailyUse,
            tax_id: None,
            occupation: None,
            additional_info: Some("pension".into()),
        })
        .await
        .unwrap();
    verified_user(&c, "ev-2").await;
    fund(&c, "ev-2", "100.00", Currency::Eur).await;
    let lock = c.exchange().user_lock("ev-2").await.unwrap();
    c.exchange()
        .user_execute(&UserExchangeRequest::new(
            "ev-2",
            amount("10.00"),
            Currency::Eur,
            Currency::Usdc,
            lock.lock_id,
        ))
        .await
        .unwrap();
    c.sepa()
        .partner_transfer(&PartnerSepaTransferRequest::new(
            amount("10.00"),
            "DE89370400440532013000",
            "x",
        ))
        .await
        .unwrap();
    c.crypto()
        .partner_withdrawal(&PartnerCryptoWithdrawalRequest {
            currency: Currency::Usdc,
            amount: amount("20"),
            wallet_address: "0x2e90ca5bbe46d5ae23f2df90457d020391b92673".into(),
            network: Some(Network::Polygon),
            memo: None,
            name: "ACME".into(),
            wallet_type: WalletType::Other,
            receiver_type: ReceiverType::Legal,
        })
        .await
        .unwrap();
    http.post(format!("{base}/_sandbox/crypto-deposit"))
        .json(&json!({"externalUserId": "ev-2", "currency": "usdt", "amount": "5"}))
        .send()
        .await
        .unwrap();
    http.post(format!("{base}/_sandbox/sepa-deposit"))
        .json(&json!({"externalUserId": "ev-2", "amount": "5.00"}))
        .send()
        .await
        .unwrap();
    let ol = c
        .orders()
        .lock(&OrderLockRequest::new(
            Currency::Usdt,
            amount("50"),
            Network::Ethereum,
        ))
        .await
        .unwrap();
    c.orders()
        .create(&CreateOrderRequest {
            lock_id: ol.lock_id,
        })
        .await
        .unwrap();
    let link = c
        .payment_links()
        .create(&CreatePaymentLinkRequest::new(
            amount("3.00"),
            Currency::Eur,
        ))
        .await
        .unwrap();
    http.post(format!("{base}/_sandbox/pay/{}", link.payment_link_id))
        .send()
        .await
        .unwrap();
    c.users().suspend("ev-1").await.unwrap();

    let all = [
        "user_status",
        "kyc_file",
        "poa_verification",
        "kyc_verification",
        "transfer",
        "sepa_transfer",
        "crypto_withdrawal",
        "crypto_deposit",
        "exchange",
        "sepa_deposit",
        "iban_status",
        "order_status",
        "payment_link",
    ];
    wait_until("every event kind", || {
        let log = sb.deliveries();
        all.iter().all(|n| log.iter().any(|d| d["event"] == *n))
    })
    .await;
    for d in sb.deliveries() {
        assert_eq!(d["statusCode"], 200, "{d}");
        let body = d["payload"].to_string();
        let event = p100::webhooks::parse_event(&body).unwrap();
        assert_eq!(event.name(), d["event"].as_str().unwrap(), "{body}");
        assert!(!event.is_unknown(), "{body}");
    }
}
