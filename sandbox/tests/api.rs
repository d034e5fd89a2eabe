//! The sandbox through the public `p100::Client`: the partner's day with typed calls, every
//! documented error case, lock expiry, injected faults, webhook delivery and retries, the CLI.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use p100::models::*;
use p100::webhooks::{Verifier, WebhookEvent};
use p100::{Amount, Client, Currency, ErrorCode, ErrorKind, Network, SecretString, WaitOptions};
use p100_sandbox::{RunningSandbox, Sandbox};
use serde_json::{json, Value};

fn amount(s: &str) -> Amount {
    Amount::parse(s).unwrap()
}

fn fast_wait() -> WaitOptions {
    WaitOptions {
        timeout: Duration::from_secs(10),
        interval: Duration::from_millis(20),
        max_interval: Duration::from_millis(50),
    }
}

async fn sandbox() -> RunningSandbox {
    Sandbox::builder()
        .api_key("test-key")
        .settle(Duration::from_millis(80))
        .start()
        .await
        .unwrap()
}

fn new_user(id: &str) -> CreateUserRequest {
    CreateUserRequest {
        external_user_id: id.into(),
        email: "jan.kowalski@example.pl".into(),
        phone: "486012334567".into(),
        first_name: "Jan".into(),
        last_name: "Kowalski".into(),
        street: Some("ul. Marszalkowska".into()),
        number: Some("123/5".into()),
        city: "Warszawa".into(),
        post_code: "00-001".into(),
        country: "PL".into(),
        citizenship: "PL".into(),
        has_accepted_p100_tc: Some(true),
        ..Default::default()
    }
}

fn png() -> Vec<u8> {
    let mut v = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    v.resize(1024, 0);
    v
}

/// Creates a KYC user, uploads an ID card and verifies them: fiat ACTIVE.
async fn verified_user(c: &Client, id: &str) {
    c.users().create(&new_user(id)).await.unwrap();
    c.kyc()
        .upload_files(&KycFilesRequest {
            external_user_id: id.into(),
            document_type: DocumentType::IdCard,
            files: vec![
                FileUpload::new("front.png", png()),
                FileUpload::new("back.png", png()),
                FileUpload::new("selfie.png", png()),
            ],
        })
        .await
        .unwrap();
    c.kyc()
        .add_verification(&UserVerificationRequest {
            external_user_id: id.into(),
            document_type: Some(DocumentType::IdCard),
            document_number: Some(SecretString::new("CEV12630")),
            document_country: Some("PL".into()),
            ..Default::default()
        })
        .await
        .unwrap();
}

async fn fund(c: &Client, id: &str, a: &str, cur: Currency) {
    let t = c
        .transfers()
        .create(&TransferRequest::fund(id, amount(a), cur))
        .await
        .unwrap();
    let d = c
        .transfers()
        .wait_for(&t.transfer_id, fast_wait())
        .await
        .unwrap();
    assert!(d.status.is_success(), "{d:?}");
}

fn withdrawal(user: &str, cur: Currency, a: &str) -> UserCryptoWithdrawalRequest {
    UserCryptoWithdrawalRequest {
        source_external_user_id: user.into(),
        currency: cur,
        amount: amount(a),
        wallet_address: "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx".into(),
        network: None,
        memo: None,
        name: "Jan Kowalski".into(),
        wallet_type: WalletType::NonCustodial,
        receiver_type: ReceiverType::Natural,
    }
}

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
    // 98.51 EUR at 0.00000979 BTC/EUR, rounded down to 8 decimals.
    assert_eq!(d.rate.unwrap().to_string(), "0.00000979");
    assert_eq!(d.received_amount.unwrap().to_string(), "0.00096441");
    let b = c.users().balances("day-1").await.unwrap();
    assert_eq!(b.fiat(&Currency::Eur).unwrap().amount.to_string(), "200.00");
    assert_eq!(
        b.crypto(&Currency::Btc).unwrap().amount.to_string(),
        "0.00096441"
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
        "0.00864441"
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
            tax_id: Some("123".into()),
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
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Approved by now: a second upload is P447.
    let e = c.kyc().upload_poa(&poa).await.unwrap_err();
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
async fn documented_error_cases() {
    let sb = sandbox().await;
    let c = sb.client();
    let http = reqwest::Client::new();
    let url = format!("{}/v1/partner/balances", sb.base_url());

    // 401 xo1 / xo2, as plain text.
    let r = http.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    assert_eq!(r.text().await.unwrap(), "Access Denied. xo1");
    let r = http
        .get(&url)
        .header("x-api-key", "nope")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.text().await.unwrap(), "Access Denied. xo2");
    let wrong = sb.client_builder().api_key("wrong-key").build().unwrap();
    let e = wrong.partner().balances().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Authentication);
    assert_eq!(e.status(), Some(401));
    assert!(e.to_string().contains("xo2"));

    // P411, P412.
    verified_user(&c, "err-1").await;
    let e = c.users().create(&new_user("err-1")).await.unwrap_err();
    assert_eq!(
        (e.kind(), e.code()),
        (ErrorKind::Api, Some(&ErrorCode::P411))
    );
    let e = c.users().balances("ghost").await.unwrap_err();
    assert_eq!(e.code(), Some(&ErrorCode::P412));
    assert_eq!(e.error_name(), Some("invalid-user"));
    assert_eq!(e.status(), Some(400));

    // P433: accepted, then FAILED with the error in the details (SEPA, withdrawal, transfer).
    let t = c
        .sepa()
        .user_transfer(&UserSepaTransferRequest::new(
            "err-1",
            amount("10.00"),
            "DE89370400440532013000",
            "x",
        ))
        .await
        .unwrap();
    let d = c
        .sepa()
        .wait_for(&t.transfer_id, fast_wait())
        .await
        .unwrap();
    assert_eq!(d.status, SepaTransferStatus::Failed);
    let err = d.error.unwrap();
    assert_eq!(err.code(), Some(ErrorCode::P433));
    assert_eq!(err.error_name.as_deref(), Some("insufficient-funds"));
    let w = c
        .crypto()
        .user_withdrawal(&withdrawal("err-1", Currency::Btc, "0.001"))
        .await
        .unwrap();
    let d = c
        .crypto()
        .wait_for(&w.withdrawal_id, fast_wait())
        .await
        .unwrap();
    assert_eq!(d.status, WithdrawalStatus::Failed);
    assert_eq!(d.error.unwrap().code(), Some(ErrorCode::P433));
    let t = c
        .transfers()
        .create(&TransferRequest::collect(
            "err-1",
            amount("5.00"),
            Currency::Eur,
        ))
        .await
        .unwrap();
    let d = c
        .transfers()
        .wait_for(&t.transfer_id, fast_wait())
        .await
        .unwrap();
    assert_eq!(d.status, TransferStatus::Failed);
    assert_eq!(d.error.unwrap().code(), Some(ErrorCode::P433));
    // Below the network minimum: P403 naming amount.
    let e = c
        .crypto()
        .user_withdrawal(&withdrawal("err-1", Currency::Btc, "0.0001"))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(&ErrorCode::P403));
    assert_eq!(e.field(), Some("amount"));
    // Unknown details: P428 (404), P438, P439, P429.
    let e = c.sepa().details("nope").await.unwrap_err();
    assert_eq!((e.code(), e.status()), (Some(&ErrorCode::P428), Some(404)));
    assert!(c.exchange().details("nope").await.is_err());
    assert!(c.crypto().details("nope").await.is_err());
    assert!(c.transfers().details("nope").await.is_err());

    // P434.
    let e = c.cards().details("err-1", "no-card").await.unwrap_err();
    assert_eq!(e.code(), Some(&ErrorCode::P434));
    let e = c
        .cards()
        .delete(&CardRef::new("err-1", "no-card"))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(&ErrorCode::P434));

    // P454 then P455.
    let card = c
        .cards()
        .create(&CreateCardRequest {
            external_user_id: "err-1".into(),
            label: "Main".into(),
            pin: SecretString::new("1234"),
        })
        .await
        .unwrap();
    let e = c.users().suspend("err-1").await.unwrap_err();
    assert_eq!(e.code(), Some(&ErrorCode::P454));
    c.cards()
        .block(&CardRef::new("err-1", card.card_id.clone()))
        .await
        .unwrap();
    c.users().suspend("err-1").await.unwrap();
    let e = c
        .transfers()
        .create(&TransferRequest::fund(
            "err-1",
            amount("1.00"),
            Currency::Eur,
        ))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(&ErrorCode::P455));
    assert_eq!(e.error_name(), Some("user-suspended"));
    let e = c
        .sepa()
        .user_transfer(&UserSepaTransferRequest::new(
            "err-1",
            amount("1.00"),
            "DE89370400440532013000",
            "x",
        ))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(&ErrorCode::P455));
    let e = c
        .crypto()
        .user_withdrawal(&withdrawal("err-1", Currency::Btc, "0.001"))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(&ErrorCode::P455));
    let lock = c.exchange().user_lock("err-1").await.unwrap();
    let e = c
        .exchange()
        .user_execute(&UserExchangeRequest::new(
            "err-1",
            amount("1.00"),
            Currency::Eur,
            Currency::Btc,
            lock.lock_id,
        ))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(&ErrorCode::P455));
    let e = c
        .cards()
        .create(&CreateCardRequest {
            external_user_id: "err-1".into(),
            label: "Second".into(),
            pin: SecretString::new("1234"),
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(&ErrorCode::P455));
    c.users().unsuspend("err-1").await.unwrap();
    fund(&c, "err-1", "1.00", Currency::Eur).await;

    // P424 through the escape hatch (the SDK refuses it locally).
    let local = c
        .transfers()
        .create(&TransferRequest {
            source_external_user_id: None,
            destination_external_user_id: None,
            amount: amount("1.00"),
            currency: Currency::Eur,
        })
        .await
        .unwrap_err();
    assert_eq!(local.kind(), ErrorKind::Validation);
    assert_eq!(local.status(), None);
    let e = c
        .request(
            "POST",
            "/v1/transfer",
            Some(&json!({"amount": "1.00", "currency": "eur"})),
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(&ErrorCode::P424));
    assert_eq!(e.error_name(), Some("source-or-destination-required"));

    // P403: the exact documented shape, no errorName.
    let r = http
        .post(format!("{}/v1/partner/sepa-transfer", sb.base_url()))
        .header("x-api-key", "test-key")
        .json(&json!({"amount": "1.001", "currency": "eur", "destinationIban": "DE89370400440532013000", "transferTitle": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["errorCode"], "P403");
    assert!(body.get("errorName").is_none(), "{body}");
    assert!(body["errorMessage"]
        .as_str()
        .unwrap()
        .starts_with("amount "));
    for (raw, field) in [
        (json!({"currency": "eur"}), "amount"),
        (
            json!({"amount": "x", "currency": "eur", "destinationIban": "DE89370400440532013000", "transferTitle": "x"}),
            "amount",
        ),
        (
            json!({"amount": "1", "currency": "eur", "destinationIban": "DE00370400440532013000", "transferTitle": "x"}),
            "destinationIban",
        ),
    ] {
        let e = c
            .request("POST", "/v1/partner/sepa-transfer", Some(&raw))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Validation, "{raw}");
        assert_eq!(e.code(), Some(&ErrorCode::P403));
        assert_eq!(e.field(), Some(field), "{e:?}");
        assert_eq!(e.error_name(), None);
    }
    // A secret is never echoed in a validation message.
    let e = c
        .request(
            "POST",
            "/v1/card/virtual",
            Some(&json!({"externalUserId": "err-1", "label": "Main", "pin": 98765})),
        )
        .await
        .unwrap_err();
    assert!(!e.to_string().contains("98765"), "{e}");
    // Not a route of the table: 404.
    let r = http
        .get(format!("{}/v1/nothing/here", sb.base_url()))
        .header("x-api-key", "test-key")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    // P410 for a currency the sandbox has no balances in.
    let e = c
        .request(
            "GET",
            "/v1/crypto-withdrawal/get-network-fee?currency=eurt",
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(&ErrorCode::P410));
    // Delete a user: P412 afterwards.
    c.users().delete("err-1").await.unwrap();
    let e = c.users().delete("err-1").await.unwrap_err();
    assert_eq!(e.code(), Some(&ErrorCode::P412));
}

#[tokio::test]
async fn exchange_locks_expire() {
    let sb = sandbox().await;
    let c = sb.client();
    // Real time: 60 s lifetime.
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
    assert_eq!((until - created).num_seconds(), 60);
    // 1000x faster: 60 ms.
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

#[tokio::test]
async fn injected_faults() {
    let sb = sandbox().await;
    let c = sb.client();

    // 429 + Retry-After: waited for and retried; succeeds.
    sb.inject_fault("429", 1, Some(1.0), None).unwrap();
    let t = Instant::now();
    c.partner().balances().await.unwrap();
    assert!(
        t.elapsed() >= Duration::from_millis(900),
        "{:?}",
        t.elapsed()
    );
    // Without retries the 429 surfaces with its Retry-After.
    sb.inject_fault("429", 1, Some(3.0), None).unwrap();
    let once = sb.client_builder().max_retries(0).build().unwrap();
    let e = once.partner().balances().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    assert_eq!(e.retry_after(), Some(Duration::from_secs(3)));

    // 500 on a read: retried. 503 likewise.
    sb.inject_fault("500", 1, None, None).unwrap();
    c.partner().balances().await.unwrap();
    sb.inject_fault("503", 2, None, None).unwrap();
    c.partner().balances().await.unwrap();

    // 500 on a money-moving POST: not retried (the retry would have succeeded).
    let before = c.partner().balances().await.unwrap();
    sb.inject_fault("500", 1, None, None).unwrap();
    let req = PartnerSepaTransferRequest::new(amount("10.00"), "DE89370400440532013000", "x");
    let e = c.sepa().partner_transfer(&req).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unavailable);
    assert_eq!(e.status(), Some(500));
    assert!(!e.is_retryable());
    tokio::time::sleep(Duration::from_millis(200)).await;
    let after = c.partner().balances().await.unwrap();
    assert_eq!(
        before.fiat(&Currency::Eur).unwrap().amount,
        after.fiat(&Currency::Eur).unwrap().amount
    );

    // Dropped connection: a read is retried; a POST is not (ambiguous).
    sb.inject_fault("drop", 1, None, None).unwrap();
    c.partner().balances().await.unwrap();
    sb.inject_fault("drop", 1, None, None).unwrap();
    let e = c.sepa().partner_transfer(&req).await.unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::Network | ErrorKind::Timeout),
        "{e:?}"
    );
    assert!(e.status().is_none());

    // Malformed JSON: a decode error; on a POST it says the call was accepted (it was).
    sb.inject_fault("malformed", 1, None, None).unwrap();
    let e = c.partner().balances().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode);
    // A 2xx arrived (outcome accepted); for a read that only means "do not trust the body".
    assert_eq!(e.outcome(), p100::Outcome::Accepted);
    sb.inject_fault("malformed", 1, None, None).unwrap();
    let e = c.sepa().partner_transfer(&req).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode);
    assert!(e.accepted());
    tokio::time::sleep(Duration::from_millis(300)).await;
    let later = c.partner().balances().await.unwrap();
    // Processed despite the garbled reply: 10.00 + 1.00 fee left the account.
    assert_eq!(
        later.fiat(&Currency::Eur).unwrap().amount.to_string(),
        "99989.00"
    );

    // A slow reply: a POST times out and is not retried; a read is retried.
    let quick = sb
        .client_builder()
        .timeout(Duration::from_millis(150))
        .build()
        .unwrap();
    sb.inject_fault("delay", 1, None, Some(600)).unwrap();
    let e = quick.sepa().partner_transfer(&req).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    sb.inject_fault("delay", 1, None, Some(600)).unwrap();
    quick.partner().balances().await.unwrap();

    // Faults through the HTTP control, and only /v1/ requests consume them.
    let http = reqwest::Client::new();
    let r = http
        .post(format!("{}/_sandbox/faults", sb.base_url()))
        .json(&json!({"kind": "503", "count": 1, "retryAfter": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = http
        .get(format!("{}/_sandbox/faults", sb.base_url()))
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["faults"][0]["kind"], "503");
    let r = http
        .get(format!("{}/v1/partner/balances", sb.base_url()))
        .header("x-api-key", "test-key")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["retry-after"], "0");
    let r = http
        .post(format!("{}/_sandbox/faults", sb.base_url()))
        .json(&json!({"kind": "teapot"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

/// A webhook receiver: verifies the token with the SDK, answers 500 to the first `fail_first`
/// deliveries, records the parsed events.
struct Receiver {
    url: String,
    events: Arc<Mutex<Vec<WebhookEvent>>>,
    rejected: Arc<Mutex<u32>>,
}

async fn receiver(token: &str, fail_first: u32) -> Receiver {
    let verifier = Verifier::new(token).unwrap();
    let events = Arc::new(Mutex::new(Vec::new()));
    let rejected = Arc::new(Mutex::new(0u32));
    let failures = Arc::new(Mutex::new(fail_first));
    let (ev, rj) = (events.clone(), rejected.clone());
    let app = axum::Router::new().route(
        "/hook",
        post(move |headers: HeaderMap, body: String| {
            let verifier = verifier.clone();
            let (ev, rj, failures) = (ev.clone(), rj.clone(), failures.clone());
            async move {
                let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
                match verifier.verify_and_parse(auth, &body) {
                    Err(_) => {
                        *rj.lock().unwrap() += 1;
                        StatusCode::UNAUTHORIZED
                    }
                    Ok(event) => {
                        let mut f = failures.lock().unwrap();
                        if *f > 0 {
                            *f -= 1;
                            return StatusCode::INTERNAL_SERVER_ERROR;
                        }
                        ev.lock().unwrap().push(event);
                        StatusCode::OK
                    }
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Receiver {
        url,
        events,
        rejected,
    }
}

async fn wait_until(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

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
