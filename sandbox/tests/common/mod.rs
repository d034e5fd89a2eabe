//! Helpers shared by the sandbox's API tests (`api_*.rs`): a sandbox per test, users, funding.
#![allow(dead_code, unused_imports)] // each test file uses its own subset

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use p100::models::*;
use p100::webhooks::{Verifier, WebhookEvent};
use p100::{Amount, Client, Currency, ErrorCode, ErrorKind, Network, SecretString, WaitOptions};
use p100_sandbox::{RunningSandbox, Sandbox};
use serde_json::{json, Value};

pub fn amount(s: &str) -> Amount {
    Amount::parse(s).unwrap()
}

pub fn fast_wait() -> WaitOptions {
    WaitOptions {
        timeout: Duration::from_secs(10),
        interval: Duration::from_millis(20),
        max_interval: Duration::from_millis(50),
    }
}

pub async fn sandbox() -> RunningSandbox {
    Sandbox::builder()
        .api_key("test-key")
        .settle(Duration::from_millis(80))
        .start()
        .await
        .unwrap()
}

pub fn new_user(id: &str) -> CreateUserRequest {
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

pub fn png() -> Vec<u8> {
    let mut v = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    v.resize(1024, 0);
    v
}

/// Creates a KYC user, uploads an ID card and verifies them: fiat ACTIVE.
pub async fn verified_user(c: &Client, id: &str) {
    verified_user_in(c, id, "PL").await
}

/// [`verified_user`] living in `country` (residence, citizenship and document country).
pub async fn verified_user_in(c: &Client, id: &str, country: &str) {
    let user = CreateUserRequest {
        country: country.into(),
        citizenship: country.into(),
        ..new_user(id)
    };
    c.users().create(&user).await.unwrap();
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
            document_country: Some(country.into()),
            ..Default::default()
        })
        .await
        .unwrap();
}

pub async fn fund(c: &Client, id: &str, a: &str, cur: Currency) {
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

pub fn withdrawal(user: &str, cur: Currency, a: &str) -> UserCryptoWithdrawalRequest {
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

/// A webhook receiver: verifies the token with the SDK, answers 500 to the first `fail_first`
/// deliveries, records the parsed events.
pub struct Receiver {
    pub url: String,
    pub events: Arc<Mutex<Vec<WebhookEvent>>>,
    pub rejected: Arc<Mutex<u32>>,
}

pub async fn receiver(token: &str, fail_first: u32) -> Receiver {
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

pub async fn wait_until(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
