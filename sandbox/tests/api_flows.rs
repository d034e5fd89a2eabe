//! The sandbox through the typed Rust client: a partner's day, KYC by P100 and POA, lock expiry.
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
async fn partner_day_with_typed_calls() {
    let sb = sandbox().await;
    let c = sb.client();

    let p = c.partner().balances().await.unwrap();
    let eur = p.fiat(&Currency::Eur).unwrap();
    assert_eq!(eur.amount.to_string(), "100000.00");
    assert_eq!(eur.status, Some(BalanceStatus::Active));
    assert_eq!(p.crypto_balances.len(), 7);
    let usdc = p.crypto(&Currency::Usdc).unwrap();
    assert_eq!(usdc.amount.to_string(), "25000.000000");
    assert_eq!(usdc.rate.unwrap().to_string(), "0.863331");
    let poly = &usdc.network_config["polygon"];
    assert_eq!(poly.name.as_deref(), Some("amoy"));
    assert_eq!(
        poly.withdrawal
            .as_ref()
            .unwrap()
            .fee_withdrawal
            .unwrap()
            .to_string(),
        "0.5"
    );

    // Create, check waiting balance, verify.
    let created = c.users().create(&new_user("day-1")).await.unwrap();
    assert!(!created.user_id.is_empty());
    assert_eq!(created.poa_required, Some(false));
    let b = c.users().balances("day-1").await.unwrap();
    let fiat = b.fiat(&Currency::Eur).unwrap();
    assert_eq!(fiat.status, Some(BalanceStatus::WaitingToBeActivated));
    assert_eq!(fiat.iban, None);
    c.kyc()
        .upload_files(&KycFilesRequest {
            external_user_id: "day-1".into(),
            document_type: DocumentType::Passport,
            files: vec![
                FileUpload::new("p.png", png()),
                FileUpload::new("s.png", png()),
            ],
        })
        .await
        .unwrap();
    c.kyc()
        .add_verification(&UserVerificationRequest {
            external_user_id: "day-1".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let b = c.users().balances("day-1").await.unwrap();
    let fiat = b.fiat(&Currency::Eur).unwrap();
    assert_eq!(fiat.status, Some(BalanceStatus::Active));
    let iban = fiat.iban.clone().unwrap();
    assert!(p100::validate::iban("iban", &iban).is_ok());
    let info = c.users().sepa_deposit_info("day-1").await.unwrap();
    assert_eq!(info.iban, iban);

    // Fund 300.00 EUR, exchange 100.00 EUR → BTC with a lock.
    fund(&c, "day-1", "300.00", Currency::Eur).await;
    let lock = c.exchange().user_lock("day-1").await.unwrap();
    assert_eq!(lock.fee_percentage.unwrap().to_string(), "1.49");
    assert!(lock.valid_until.is_some());
    let ex = c
        .exchange()
        .user_execute(&UserExchangeRequest::new(
            "day-1",
            amount("100.00"),
            Currency::Eur,
            Currency::Btc,
            lock.lock_id.clone(),
        ))
        .await
        .unwrap();
    let d = c
        .exchange()
        .wait_for(&ex.exchange_id, fast_wait())
        .await
        .unwrap();
    assert_eq!(d.status, ExchangeStatus::Completed);
    assert_eq!(d.fee.unwrap().to_string(), "1.49");
    // 98.51 EUR / 102178.03394219 EUR per BTC (the lock's `rates.btc`) = 0.000964100…, rounded
    // down to 8 decimals; computed from the published rates, not from the shown cross rate (at
    // 0.00000979, a rate rounded to 3 digits, it was 0.00096441: money out of nothing).
    assert_eq!(
        lock.rates.get("btc").map(ToString::to_string).as_deref(),
        Some("102178.03394219")
    );
    assert_eq!(d.rate.unwrap().to_string(), "0.0000097868393");
    assert_eq!(d.received_amount.unwrap().to_string(), "0.00096410");
    let b = c.users().balances("day-1").await.unwrap();
    assert_eq!(b.fiat(&Currency::Eur).unwrap().amount.to_string(), "200.00");
    assert_eq!(
        b.crypto(&Currency::Btc).unwrap().amount.to_string(),
        "0.00096410"
    );

    // SEPA 50.00 (fee 1.00).
    let t = c
        .sepa()
        .user_transfer(&UserSepaTransferRequest::new(
            "day-1",
            amount("50.00"),
            "DE89 3704 0044 0532 0130 00",
            "Rent",
        ))
        .await
        .unwrap();
    let d = c
        .sepa()
        .wait_for(&t.transfer_id, fast_wait())
        .await
        .unwrap();
    assert_eq!(d.status, SepaTransferStatus::Successful);
    assert_eq!(d.fee.unwrap().value(), amount("1").value());
    assert_eq!(
        d.destination_iban.as_deref(),
        Some("DE89370400440532013000")
    );
    assert_eq!(
        d.user.as_ref().unwrap().external_user_id.as_deref(),
        Some("day-1")
    );
    let b = c.users().balances("day-1").await.unwrap();
    assert_eq!(b.fiat(&Currency::Eur).unwrap().amount.to_string(), "149.00");

    // Crypto withdrawal: fund 0.01 BTC, send 0.002 (fee 0.0003 + network 0.00002).
    fund(&c, "day-1", "0.01", Currency::Btc).await;
    let w = c
        .crypto()
        .user_withdrawal(&withdrawal("day-1", Currency::Btc, "0.002"))
        .await
        .unwrap();
    let d = c
        .crypto()
        .wait_for(&w.withdrawal_id, fast_wait())
        .await
        .unwrap();
    assert_eq!(d.status, WithdrawalStatus::Successful);
    assert_eq!(d.fee.unwrap().to_string(), "0.00032");
    assert_eq!(d.network, Some(Network::Bitcoin));
    assert!(d.transaction_hash.is_some());
    let b = c.users().balances("day-1").await.unwrap();
    assert_eq!(
        b.crypto(&Currency::Btc).unwrap().amount.to_string(),
        "0.00864410"
    );

    // Cards.
    let card = c
        .cards()
        .create(&CreateCardRequest {
            external_user_id: "day-1".into(),
            label: "Shopping".into(),
            pin: SecretString::new("1234"),
        })
        .await
        .unwrap();
    assert_eq!(card.card_number.expose().len(), 16);
    assert!(!format!("{card:?}").contains(card.card_number.expose()));
    let list = c.cards().list("day-1").await.unwrap();
    assert_eq!(list.cards.len(), 1);
    assert_eq!(
        list.cards[0].card_last_digits.as_deref(),
        Some(&card.card_number.expose()[12..])
    );
    let r = CardRef::new("day-1", card.card_id.clone());
    c.cards().block(&r).await.unwrap();
    let det = c.cards().details("day-1", &card.card_id).await.unwrap();
    assert_eq!(det.status, Some(CardStatus::LockedByUser));
    assert_eq!(det.cvv.expose(), card.cvv.expose());
    c.cards().unblock(&r).await.unwrap();
    c.cards()
        .update_limits(&UpdateCardLimitsRequest {
            external_user_id: "day-1".into(),
            card_id: card.card_id.clone(),
            daily_trx_atm: Some(amount("250")),
            ..Default::default()
        })
        .await
        .unwrap();
    let lim = c.cards().limits("day-1", &card.card_id).await.unwrap();
    assert_eq!(lim.daily_trx_atm.unwrap().to_string(), "250");
    c.cards()
        .update_pin(&UpdatePinRequest {
            external_user_id: "day-1".into(),
            card_id: card.card_id.clone(),
            pin: SecretString::new("4321"),
        })
        .await
        .unwrap();

    // History shows the month's operations.
    let now = chrono::Utc::now();
    use chrono::Datelike;
    let h = c
        .users()
        .transactions(
            "day-1",
            &TransactionHistoryQuery::new(now.month(), now.year()),
        )
        .await
        .unwrap();
    assert!(h.transactions.len() >= 5, "{h:?}");

    // Orders and payment links.
    let ol = c
        .orders()
        .lock(&OrderLockRequest::new(
            Currency::Usdc,
            amount("346.59"),
            Network::Polygon,
        ))
        .await
        .unwrap();
    assert!(ol.amount.is_positive());
    let o = c
        .orders()
        .create(&CreateOrderRequest {
            lock_id: ol.lock_id.clone(),
        })
        .await
        .unwrap();
    let od = c.orders().wait_for(&o.order_id, fast_wait()).await.unwrap();
    assert_eq!(od.status, OrderStatus::Completed);
    let rates = c.orders().rates().await.unwrap();
    assert!(rates.rate(&Currency::Btc).is_some());
    let link = c
        .payment_links()
        .create(&CreatePaymentLinkRequest::new(
            amount("25.00"),
            Currency::Eur,
        ))
        .await
        .unwrap();
    let ld = c
        .payment_links()
        .details(&link.payment_link_id)
        .await
        .unwrap();
    assert_eq!(ld.status, PaymentLinkStatus::Active);
    // Wallet, contacts, fee, partner history.
    let wallet = c
        .partner()
        .create_wallet(&CreateWalletRequest::new(Currency::Eth))
        .await
        .unwrap();
    assert!(wallet.address.starts_with("0x"));
    let p = c.partner().balances().await.unwrap();
    assert_eq!(
        p.crypto(&Currency::Eth).unwrap().wallet.as_deref(),
        Some(wallet.address.as_str())
    );
    c.partner().sepa_contacts().await.unwrap();
    let fee = c
        .crypto()
        .network_fee(&NetworkFeeQuery::new(Currency::Eth))
        .await
        .unwrap();
    assert_eq!(fee.network_fee.to_string(), "0.000469");
    // The partner paid 300 EUR + 0.01 BTC to the user and received the order's 346.59 EUR.
    let eur = p.fiat(&Currency::Eur).unwrap();
    assert_eq!(eur.amount.to_string(), "100046.59");
    sb.shutdown().await;
}

#[tokio::test]
async fn kyc_by_p100_and_poa() {
    let sb = sandbox().await;
    let c = sb.client();
    let mut req = new_user("kyc-1");
    req.country = "GE".into();
    let created = c.users().create(&req).await.unwrap();
    assert_eq!(created.poa_required, Some(true));
    let v = c
        .kyc()
        .create_verification(&CreateKycVerificationRequest {
            external_user_id: "kyc-1".into(),
            document_type: DocumentType::Passport,
            country: "GE".into(),
            income_source: IncomeSource::BusinessActivity,
            open_account_reason: OpenAccountReason::CurrencyExchange,
            tax_id: Some(SecretString::new("123")),
            occupation: None,
            additional_info: None,
        })
        .await
        .unwrap();
    let page = c
        .kyc()
        .verification_page("kyc-1", &v.verification_id)
        .await
        .unwrap();
    assert!(page.html.contains("<html>"));
    let s = c.kyc().status(&v.verification_id).await.unwrap();
    assert_eq!(s.verification_status, Some(VerificationStatus::NotVerified));
    let start = Instant::now();
    loop {
        let s = c.kyc().status(&v.verification_id).await.unwrap();
        if s.verification_status == Some(VerificationStatus::Verified) {
            assert_eq!(s.attempt_status, Some(AttemptStatus::Successful));
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(5));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let poa = PoaFilesRequest {
        external_user_id: "kyc-1".into(),
        files: vec![FileUpload::new("bill.pdf", b"%PDF-1.7\nbill".to_vec())],
    };
    c.kyc().upload_poa(&poa).await.unwrap();
    // While it is pending, another upload is the documented 202 P211 (a success that changes
    // nothing); once approved, P447. Polled: a busy machine may settle later than the delay.
    let start = Instant::now();
    let e = loop {
        match c.kyc().upload_poa(&poa).await {
            Err(e) => break e,
            Ok(_) => assert!(start.elapsed() < Duration::from_secs(10), "never approved"),
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(e.code(), Some(&ErrorCode::P447));
    c.kyc()
        .add_verification(&UserVerificationRequest {
            external_user_id: "kyc-1".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let b = c.users().balances("kyc-1").await.unwrap();
    assert_eq!(
        b.fiat(&Currency::Eur).unwrap().status,
        Some(BalanceStatus::Active)
    );
    // Unknown verification: 404 P445.
    let e = c.kyc().status("nope").await.unwrap_err();
    assert_eq!(e.code(), Some(&ErrorCode::P445));
    assert_eq!(e.status(), Some(404));
    // Upload errors of the server side: a file that is not an image is P426.
    let e = c
        .request("POST", "/v1/user/kyc-files/kyc-1", None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(&ErrorCode::P403));
    let http = reqwest::Client::new();
    let form_body = "--XX\r\nContent-Disposition: form-data; name=\"documentType\"\r\n\r\nPASSPORT\r\n--XX\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--XX--\r\n";
    let r = http
        .post(format!("{}/v1/user/kyc-files/kyc-1", sb.base_url()))
        .header("x-api-key", "test-key")
        .header("content-type", "multipart/form-data; boundary=XX")
        .body(form_body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["errorCode"], "P426");
}

#[tokio::test]
async fn exchange_locks_expire() {
    let sb = sandbox().await;
    let c = sb.client();
    // Real time: 40 s lifetime (the documented one).
    let lock = c
        .exchange()
        .partner_lock(&ExchangeLockQuery {
            currency_from: Some(Currency::Eth),
            currency_to: Some(Currency::Eur),
            amount: None,
        })
        .await
        .unwrap();
    let created =
        chrono::DateTime::parse_from_rfc3339(lock.created_at.as_deref().unwrap()).unwrap();
    let until = chrono::DateTime::parse_from_rfc3339(lock.valid_until.as_deref().unwrap()).unwrap();
    assert_eq!((until - created).num_seconds(), 40);
    // 1000x faster: 40 ms.
    sb.set_time_scale(0.001).unwrap();
    let short = c
        .exchange()
        .partner_lock(&ExchangeLockQuery::default())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(150)).await;
    sb.set_time_scale(1.0).unwrap();
    let req =
        PartnerExchangeRequest::new(amount("0.5"), Currency::Eth, Currency::Eur, short.lock_id);
    let e = c.exchange().partner_execute(&req).await.unwrap_err();
    assert_eq!(e.code(), Some(&ErrorCode::Unknown("P437".into())));
    assert_eq!(e.error_name(), Some("lock-expired"));
    let e = c
        .exchange()
        .partner_execute(&PartnerExchangeRequest::new(
            amount("0.5"),
            Currency::Eth,
            Currency::Eur,
            "unknown",
        ))
        .await
        .unwrap_err();
    assert_eq!(e.error_name(), Some("lock-not-found"));
    // The long lock still works, once.
    let ok = PartnerExchangeRequest::new(amount("0.5"), Currency::Eth, Currency::Eur, lock.lock_id);
    let ex = c.exchange().partner_execute(&ok).await.unwrap();
    assert!(c.exchange().partner_execute(&ok).await.is_err());
    let d = c
        .exchange()
        .wait_for(&ex.exchange_id, fast_wait())
        .await
        .unwrap();
    assert_eq!(d.status, ExchangeStatus::Completed);
    // 0.5 ETH − 1.49 % fee (0.00745) at 3160.21051755 EUR/ETH, rounded down to cents.
    assert_eq!(d.received_amount.unwrap().to_string(), "1556.56");
}
