//! A partner's day with the P100 SDK, end to end.
//!
//! ```text
//! cargo run --example tour
//! ```
//!
//! Without `P100_API_KEY` the tour starts a local sandbox in-process (and a small webhook
//! receiver next to it) and walks through the whole day: balances, a KYC user, funding, an
//! exchange with a locked rate, a SEPA transfer, a crypto withdrawal, cards, webhooks and a
//! rejected bad input. With `P100_API_KEY` set (and optionally `P100_BASE_URL` or
//! `P100_ENVIRONMENT`) it only runs the read-only steps against that environment.
//!
//! The exit code is non-zero if any step fails.

use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use p100::models::*;
use p100::webhooks::{Verifier, WebhookEvent};
use p100::{Amount, Client, Currency, SecretString, WaitOptions};

type Step = Result<(), Box<dyn std::error::Error>>;

#[tokio::main]
async fn main() -> ExitCode {
    let result = match std::env::var("P100_API_KEY") {
        Ok(k) if !k.is_empty() => read_only_tour().await,
        _ => sandbox_tour().await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\n  ✗ the tour stopped: {e}");
            ExitCode::FAILURE
        }
    }
}

fn title(n: u32, text: &str) {
    println!("\n{n:>2}. {text}");
}

fn line(text: impl AsRef<str>) {
    println!("    {}", text.as_ref());
}

fn money(a: &Amount, c: &Currency) -> String {
    format!("{} {}", a.for_currency(c), c.as_str().to_uppercase())
}

fn wait() -> WaitOptions {
    WaitOptions {
        timeout: Duration::from_secs(30),
        interval: Duration::from_millis(100),
        max_interval: Duration::from_millis(500),
    }
}

/// Only reads: safe against staging or production.
async fn read_only_tour() -> Step {
    let client = Client::from_env()?;
    println!(
        "P100 SDK tour — read-only steps against {}",
        client.config().base_url()
    );
    title(1, "Partner balances");
    show_balances(&client.partner().balances().await?);
    title(
        2,
        "Indicative exchange rates (not executable; lock a rate to exchange)",
    );
    let rates = client.exchange().rates().await?;
    let mut codes: Vec<_> = rates.rates.iter().collect();
    codes.sort_by(|a, b| a.0.cmp(b.0));
    for (code, rate) in codes {
        line(format!("1 {} = {} EUR", code.to_uppercase(), rate));
    }
    title(3, "Where to send EUR to top up the partner account");
    let info = client.partner().sepa_deposit_info().await?;
    line(format!(
        "IBAN {}  SWIFT {}",
        info.iban,
        info.swift.unwrap_or_default()
    ));
    line(format!(
        "Holder {}, reference (put it in the transfer title!) {}",
        info.account_holder.unwrap_or_default(),
        info.title
    ));
    println!("\nDone: 3 read-only steps OK.");
    Ok(())
}

fn show_balances(b: &Balances) {
    for f in &b.fiat_balances {
        line(format!(
            "{:<22} {}{}",
            money(&f.amount, &f.name),
            f.status.as_ref().map(|s| s.to_string()).unwrap_or_default(),
            f.iban
                .as_ref()
                .map(|i| format!(", IBAN {i}"))
                .unwrap_or_default()
        ));
    }
    let crypto: Vec<String> = b
        .crypto_balances
        .iter()
        .map(|c| money(&c.amount, &c.name))
        .collect();
    for chunk in crypto.chunks(4) {
        line(chunk.join(" · "));
    }
}

/// Webhook events the local receiver verified, as short descriptions.
#[derive(Default, Clone)]
struct Inbox(Arc<Mutex<Vec<String>>>);

impl Inbox {
    fn list(&self) -> Vec<String> {
        self.0.lock().map(|v| v.clone()).unwrap_or_default()
    }
}

fn describe(e: &WebhookEvent) -> String {
    match e {
        WebhookEvent::UserStatus(u) => format!("user_status {}", u.status),
        WebhookEvent::KycFile(k) => format!("kyc_file {}", k.status),
        WebhookEvent::KycVerification(k) => format!(
            "kyc_verification {}",
            k.verification_status
                .as_ref()
                .map(|s| s.to_string())
                .unwrap_or_default()
        ),
        WebhookEvent::Transfer(t) => format!("transfer {}", t.status),
        WebhookEvent::SepaTransfer(s) => format!("sepa_transfer {}", s.status),
        WebhookEvent::CryptoWithdrawal(w) => format!("crypto_withdrawal {}", w.status),
        WebhookEvent::Exchange(x) => format!("exchange {}", x.status),
        other => other.name().to_string(),
    }
}

/// A tiny webhook receiver on 127.0.0.1: verifies the `Authorization` token with the SDK,
/// answers 401 when it is missing or wrong, records the parsed event.
async fn start_receiver(token: &str) -> Result<(String, Inbox), Box<dyn std::error::Error>> {
    let verifier = Verifier::new(token)?;
    let inbox = Inbox::default();
    let seen = inbox.clone();
    let app = axum::Router::new().route(
        "/p100/webhooks",
        post(move |headers: HeaderMap, body: String| {
            let verifier = verifier.clone();
            let seen = seen.clone();
            async move {
                let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
                match verifier.verify_and_parse(auth, &body) {
                    Ok(event) => {
                        if let Ok(mut v) = seen.0.lock() {
                            v.push(describe(&event));
                        }
                        StatusCode::OK
                    }
                    Err(_) => StatusCode::UNAUTHORIZED,
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/p100/webhooks", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((url, inbox))
}

async fn sandbox_tour() -> Step {
    let token = format!("whsec-tour-{:08x}", fastrand::u32(..));
    let (hook_url, inbox) = start_receiver(&token).await?;
    let sandbox = p100_sandbox::Sandbox::builder()
        .api_key(format!("tour-key-{:08x}", fastrand::u32(..)))
        .settle(Duration::from_millis(300))
        .webhook(&hook_url, &token)
        .start()
        .await?;
    let client = sandbox.client();
    let user = format!("tour-{:06x}", fastrand::u32(..) & 0xff_ffff);
    println!(
        "P100 SDK tour — no P100_API_KEY set, so a local sandbox runs at {}",
        sandbox.base_url()
    );
    println!(
        "(webhooks go to {hook_url}; set P100_API_KEY to run the read-only steps against P100)"
    );

    title(1, "The partner's balances");
    show_balances(&client.partner().balances().await?);

    title(2, &format!("Create a KYC user \"{user}\""));
    let created = client
        .users()
        .create(&CreateUserRequest {
            external_user_id: user.clone(),
            email: "jan.kowalski@example.pl".into(),
            phone: "486012334567".into(),
            first_name: "Jan".into(),
            last_name: "Kowalski".into(),
            street: Some("ul. Marszałkowska".into()),
            number: Some("123/5".into()),
            city: "Warszawa".into(),
            post_code: "00-001".into(),
            country: "PL".into(),
            citizenship: "PL".into(),
            nationality: Some("PL".into()),
            birth_country: Some("PL".into()),
            birth_date: Some(SecretString::new("1990-05-15")),
            has_accepted_p100_tc: Some(true),
            ..Default::default()
        })
        .await?;
    line(format!(
        "P100 user id {}; proof of address needed: {}",
        created.user_id,
        if created.poa_required == Some(true) {
            "yes"
        } else {
            "no"
        }
    ));
    let b = client.users().balances(&user).await?;
    if let Some(eur) = b.fiat(&Currency::Eur) {
        line(format!(
            "EUR balance {} — {} until KYC is done",
            money(&eur.amount, &eur.name),
            eur.status
                .as_ref()
                .map(|s| s.to_string())
                .unwrap_or_default()
        ));
    }

    title(
        3,
        "KYC by P100: start a verification and wait for the user to finish it",
    );
    let v = client
        .kyc()
        .create_verification(&CreateKycVerificationRequest {
            external_user_id: user.clone(),
            document_type: DocumentType::IdCard,
            country: "PL".into(),
            income_source: IncomeSource::Salary,
            open_account_reason: OpenAccountReason::CurrencyExchange,
            tax_id: None,
            occupation: Some(Occupation::It),
            additional_info: Some("software developer".into()),
        })
        .await?;
    line(format!(
        "verification {} — send the user to {}",
        v.verification_id,
        v.url.as_deref().unwrap_or("(page)")
    ));
    let started = Instant::now();
    loop {
        let s = client.kyc().status(&v.verification_id).await?;
        if s.verification_status == Some(VerificationStatus::Verified) {
            line(format!(
                "verified after {:.1} s (attempt {})",
                started.elapsed().as_secs_f64(),
                s.attempt_status.map(|a| a.to_string()).unwrap_or_default()
            ));
            break;
        }
        if started.elapsed() > Duration::from_secs(30) {
            return Err("the KYC verification did not finish".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    title(
        4,
        "Add the user's verification: the EUR balance becomes ACTIVE with an IBAN",
    );
    client
        .kyc()
        .add_verification(&UserVerificationRequest {
            external_user_id: user.clone(),
            document_type: Some(DocumentType::IdCard),
            document_number: Some(SecretString::new("CEV12630")),
            document_country: Some("PL".into()),
            ..Default::default()
        })
        .await?;
    let b = client.users().balances(&user).await?;
    let eur = b.fiat(&Currency::Eur).ok_or("no EUR balance")?;
    line(format!(
        "EUR balance {}, IBAN {}",
        eur.status
            .as_ref()
            .map(|s| s.to_string())
            .unwrap_or_default(),
        eur.iban.as_deref().unwrap_or("-")
    ));

    title(
        5,
        "Fund the user: 500.00 EUR and 0.01 BTC from the partner's balance",
    );
    for (a, c) in [("500.00", Currency::Eur), ("0.01", Currency::Btc)] {
        let t = client
            .transfers()
            .create(&TransferRequest::fund(&user, Amount::parse(a)?, c.clone()))
            .await?;
        let d = client.transfers().wait_for(&t.transfer_id, wait()).await?;
        line(format!(
            "transfer {} of {} — {}",
            t.transfer_id,
            money(&Amount::parse(a)?, &c),
            d.status
        ));
        if !d.status.is_success() {
            return Err(format!("the funding transfer ended {}", d.status).into());
        }
    }

    title(6, "Exchange 200.00 EUR to BTC with a locked rate");
    let lock = client.exchange().user_lock(&user).await?;
    line(format!(
        "lock {} — 1 BTC = {} EUR, fee {} %, valid until {}",
        lock.lock_id,
        lock.rate(&Currency::Btc)
            .map(|r| r.to_string())
            .unwrap_or_default(),
        lock.fee_percentage
            .map(|f| f.to_string())
            .unwrap_or_default(),
        lock.valid_until.as_deref().unwrap_or("?")
    ));
    let ex = client
        .exchange()
        .user_execute(&UserExchangeRequest::new(
            &user,
            Amount::parse("200.00")?,
            Currency::Eur,
            Currency::Btc,
            lock.lock_id.clone(),
        ))
        .await?;
    line(format!(
        "accepted as exchange {} — waiting for the outcome…",
        ex.exchange_id
    ));
    let d = client.exchange().wait_for(&ex.exchange_id, wait()).await?;
    if !d.status.is_success() {
        return Err(format!("the exchange ended {}", d.status).into());
    }
    line(format!(
        "{}: received {} (fee {})",
        d.status,
        d.received_amount
            .map(|a| money(&a, &Currency::Btc))
            .unwrap_or_default(),
        d.fee.map(|f| money(&f, &Currency::Eur)).unwrap_or_default()
    ));

    title(
        7,
        "SEPA transfer: 120.00 EUR to DE89 3704 0044 0532 0130 00",
    );
    let t = client
        .sepa()
        .user_transfer(&UserSepaTransferRequest::new(
            &user,
            Amount::parse("120.00")?,
            "DE89 3704 0044 0532 0130 00",
            "Invoice 2025-11",
        ))
        .await?;
    line(format!("accepted as transfer {} — waiting…", t.transfer_id));
    let d = client.sepa().wait_for(&t.transfer_id, wait()).await?;
    if !d.status.is_success() {
        return Err(format!("the SEPA transfer ended {}", d.status).into());
    }
    line(format!(
        "{} (fee {})",
        d.status,
        d.fee.map(|f| money(&f, &Currency::Eur)).unwrap_or_default()
    ));

    title(8, "Crypto withdrawal: 0.005 BTC to an external wallet");
    let w = client
        .crypto()
        .user_withdrawal(&UserCryptoWithdrawalRequest {
            source_external_user_id: user.clone(),
            currency: Currency::Btc,
            amount: Amount::parse("0.005")?,
            wallet_address: "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx".into(),
            network: None,
            memo: None,
            name: "Jan Kowalski".into(),
            wallet_type: WalletType::NonCustodial,
            receiver_type: ReceiverType::Natural,
        })
        .await?;
    line(format!(
        "accepted as withdrawal {} — waiting…",
        w.withdrawal_id
    ));
    let d = client.crypto().wait_for(&w.withdrawal_id, wait()).await?;
    if !d.status.is_success() {
        return Err(format!("the withdrawal ended {}", d.status).into());
    }
    line(format!(
        "{}: fee {}, transaction {}",
        d.status,
        d.fee.map(|f| money(&f, &Currency::Btc)).unwrap_or_default(),
        d.transaction_hash.as_deref().unwrap_or("-")
    ));

    title(9, "Cards: issue, list, block");
    let card = client
        .cards()
        .create(&CreateCardRequest {
            external_user_id: user.clone(),
            label: "Groceries".into(),
            pin: SecretString::new("2580"),
        })
        .await?;
    let pan = card.card_number.expose();
    let last4 = &pan[pan.len().saturating_sub(4)..];
    line(format!(
        "issued \"Groceries\" •••• •••• •••• {last4}, expires {} (full number and CVV stay hidden)",
        card.exp
    ));
    let list = client.cards().list(&user).await?;
    for c in &list.cards {
        line(format!(
            "card {} \"{}\" •••• {} — {}",
            c.card_id,
            c.label.as_deref().unwrap_or(""),
            c.card_last_digits.as_deref().unwrap_or("????"),
            c.status
        ));
    }
    client
        .cards()
        .block(&CardRef::new(&user, card.card_id.clone()))
        .await?;
    let det = client.cards().details(&user, &card.card_id).await?;
    line(format!(
        "blocked: status is now {}",
        det.status.map(|s| s.to_string()).unwrap_or_default()
    ));

    title(
        10,
        "Webhooks: what P100 told our server (token checked by p100::webhooks::Verifier)",
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while !inbox
        .list()
        .iter()
        .any(|e| e.starts_with("crypto_withdrawal"))
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let events = inbox.list();
    if events.is_empty() {
        return Err("no webhook arrived".into());
    }
    line(format!("{} verified deliveries:", events.len()));
    for chunk in events.chunks(4) {
        line(format!("  {}", chunk.join(" · ")));
    }
    let forged = reqwest::Client::new()
        .post(&hook_url)
        .header("Authorization", "not-the-token")
        .header("Content-Type", "application/json")
        .body(format!(
            r#"{{"externalUserId":"{user}","status":"ACTIVE"}}"#
        ))
        .send()
        .await?;
    if forged.status() != 401 {
        return Err(format!("a forged delivery got HTTP {}", forged.status()).into());
    }
    line("a delivery with a wrong token was rejected with 401");

    title(11, "A bad input is refused before anything is sent");
    let bad =
        UserSepaTransferRequest::new(&user, Amount::parse("10.00")?, "DE00 1234 5678", "Oops");
    match client.sepa().user_transfer(&bad).await {
        Ok(_) => return Err("a transfer to a bad IBAN was accepted".into()),
        Err(e) if e.kind() == p100::ErrorKind::Validation && e.status().is_none() => {
            let field = e.field().unwrap_or("?");
            let why = e
                .message()
                .strip_prefix(&format!("{field}: "))
                .unwrap_or(e.message());
            line(format!("validation error on field {field}: {why}"));
            line("(no request was sent to P100)");
        }
        Err(e) => return Err(format!("expected a local validation error, got {e}").into()),
    }

    title(
        12,
        "A lost reply: the transfer ran, the connection dropped — did money move?",
    );
    // The sandbox runs the next SEPA transfer, then closes the connection before replying.
    sandbox.inject(
        p100_sandbox::FaultSpec::new("process-then-drop").operation("sepa.user_transfer"),
    )?;
    let lost = UserSepaTransferRequest::new(
        &user,
        Amount::parse("7.77")?,
        "DE89370400440532013000",
        "Lost reply",
    );
    match client.sepa().user_transfer(&lost).await {
        Ok(_) => return Err("the injected fault did not apply".into()),
        Err(e) => {
            line(format!(
                "{} error, outcome {}: {}",
                e.kind(),
                e.outcome(),
                e.outcome().advice()
            ));
            if e.outcome() != p100::Outcome::Unknown || e.is_retryable() {
                return Err(
                    format!("expected an unknown, non-retryable outcome, got {e:?}").into(),
                );
            }
            match client.reconcile(&e).await? {
                p100::Reconciliation::Found { id, status } => line(format!(
                    "reconcile: found transfer {id} ({}) in the history — not sending it again",
                    status.unwrap_or_default()
                )),
                other => return Err(format!("reconcile should find it, got {other:?}").into()),
            }
        }
    }

    title(13, "The user's balances at the end of the day");
    show_balances(&client.users().balances(&user).await?);

    sandbox.shutdown().await;
    println!("\nDone: 13 steps OK.");
    Ok(())
}
