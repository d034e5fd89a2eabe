//! Conformance vectors: every JSON example of the API docs (`tests/vectors/*.json`).
//!
//! * every response, webhook and error vector decodes into its type;
//! * every request example of the newest generation is rebuilt from the SDK's request types
//!   and must serialize to exactly the documented JSON (compared as `serde_json::Value`; with
//!   `arbitrary_precision` numbers compare by their text, so `10` and `10.00` differ);
//! * old request examples the SDK deliberately does not reproduce are decoded only;
//! * every file in the folder must be listed in [`table`], so no vector is silently skipped.

use std::collections::BTreeSet;
use std::path::PathBuf;

use p100::models::*;
use p100::webhooks::{parse_event, WebhookEvent};
use p100::{Amount, Currency, ErrorCode, Network, SecretString};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

fn read(name: &str) -> String {
    std::fs::read_to_string(vectors_dir().join(name))
        .unwrap_or_else(|e| panic!("cannot read vector {name}: {e}"))
}

fn json(name: &str) -> Value {
    serde_json::from_str(&read(name)).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"))
}

fn load<T: DeserializeOwned>(name: &str) -> T {
    serde_json::from_str(&read(name)).unwrap_or_else(|e| panic!("{name} does not decode: {e}"))
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str_exact(text).unwrap()
}

fn amt(text: &str) -> Amount {
    Amount::parse(text).unwrap()
}

type DecodeFn = fn(&str) -> Result<(), String>;
type BuildFn = fn() -> Value;

fn decode<T: DeserializeOwned>(text: &str) -> Result<(), String> {
    serde_json::from_str::<T>(text)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Decodes through `serde_json::Value` first: for examples with a duplicate key, which a struct
/// refuses but a map keeps (last one wins).
fn decode_via_value<T: DeserializeOwned>(text: &str) -> Result<(), String> {
    let v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    serde_json::from_value::<T>(v)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// What is checked for one vector file.
enum Check {
    /// A response body: decodes into its type.
    Response(DecodeFn),
    /// A webhook body: parses into the named event (never `Unknown`).
    Webhook(&'static str),
    /// An API error body: decodes, and its `errorCode` is a known P-code.
    Error,
    /// A request the SDK reproduces: the built value must equal the file; the file also
    /// decodes back into the request type.
    Request(BuildFn, DecodeFn),
    /// An old request example the SDK deliberately does not reproduce: decoded only. The text
    /// says why.
    DecodeOnly(DecodeFn, &'static str),
}

fn table() -> Vec<(&'static str, Check)> {
    use Check::*;
    vec![
        // ---- errors --------------------------------------------------------------------------
        ("error.P403.json", Error),
        ("error.P410.json", Error),
        ("error.P412.json", Error),
        ("error.P412.v0.json", Error),
        ("error.P418.json", Error),
        ("error.P424.json", Error),
        ("error.P428.json", Error),
        // ---- partner account -----------------------------------------------------------------
        (
            "partner.balances.response.v0-truncated.json",
            Response(decode::<Balances>),
        ),
        (
            "partner.sepa_deposit_info.response.json",
            Response(decode::<SepaDepositInfo>),
        ),
        // ---- exchange ------------------------------------------------------------------------
        (
            "exchange.rates.response.json",
            Response(decode::<ExchangeRates>),
        ),
        (
            "exchange.user_lock.response.json",
            Response(decode::<ExchangeLock>),
        ),
        (
            "exchange.partner_execute.request.json",
            Request(build_partner_exchange, decode::<PartnerExchangeRequest>),
        ),
        (
            "exchange.partner_execute.request.alt.json",
            Request(build_partner_exchange_alt, decode::<PartnerExchangeRequest>),
        ),
        (
            "exchange.partner_execute.response.json",
            Response(decode::<ExchangeCreated>),
        ),
        // ---- SEPA ----------------------------------------------------------------------------
        (
            "sepa.details.response.v0.json",
            Response(decode::<SepaTransferDetails>),
        ),
        (
            "sepa.details.response.v1-truncated.json",
            Response(decode::<SepaTransferDetails>),
        ),
        (
            "sepa.details.response.user-truncated.json",
            Response(decode::<SepaTransferDetails>),
        ),
        (
            "sepa.user_transfer.request.v0.json",
            DecodeOnly(
                decode_via_value::<UserSepaTransferRequest>,
                "GH example: `externalUserId` instead of the table's `sourceExternalUserId`, a \
                 numeric amount where the table says string, and `receiverType` twice",
            ),
        ),
        (
            "sepa.user_transfer.response.json",
            Response(decode::<SepaTransferCreated>),
        ),
        // ---- crypto --------------------------------------------------------------------------
        (
            "crypto.network_fee.response.json",
            Response(decode::<NetworkFee>),
        ),
        (
            "crypto.user_withdrawal.request.v0-truncated.json",
            DecodeOnly(
                decode::<Value>,
                "GH example cut off before the required travel-rule fields, and written with \
                 upper-case `BTC` where the SDK sends `btc`",
            ),
        ),
        // ---- orders --------------------------------------------------------------------------
        (
            "orders.lock.request.json",
            Request(build_order_lock, decode::<OrderLockRequest>),
        ),
        (
            "orders.lock.response.v2.json",
            Response(decode::<OrderLock>),
        ),
        (
            "orders.lock.response.v3.json",
            Response(decode::<OrderLock>),
        ),
        (
            "orders.create.request.json",
            Request(build_order_create, decode::<CreateOrderRequest>),
        ),
        (
            "orders.create.response.json",
            Response(decode::<OrderCreated>),
        ),
        (
            "orders.details.response.json",
            Response(decode::<OrderDetails>),
        ),
        // ---- users and KYC -------------------------------------------------------------------
        (
            "users.create.request.v1.json",
            Request(build_create_user_v1, decode::<CreateUserRequest>),
        ),
        (
            "users.create.request.v3.json",
            Request(build_create_user_v3, decode::<CreateUserRequest>),
        ),
        (
            "users.create.response.v1-truncated.json",
            Response(decode::<CreateUserResponse>),
        ),
        (
            "users.create.response.v3.json",
            Response(decode::<CreateUserResponse>),
        ),
        (
            "users.create_without_kyc.request.json",
            Request(
                build_create_user_without_kyc,
                decode::<CreateUserWithoutKycRequest>,
            ),
        ),
        (
            "users.create_without_kyc.response.v1-truncated.json",
            Response(decode::<CreateUserResponse>),
        ),
        (
            "kyc.create_verification.request.v0-truncated.json",
            Request(
                build_kyc_verification,
                decode::<CreateKycVerificationRequest>,
            ),
        ),
        // ---- internal transfers --------------------------------------------------------------
        (
            "transfers.create.request.v0.json",
            DecodeOnly(
                decode::<TransferRequest>,
                "GH example sends `amount` as a number; the GH table types it string, which is \
                 what the SDK sends",
            ),
        ),
        (
            "transfers.create.response.json",
            Response(decode::<TransferCreated>),
        ),
        (
            "transfers.details.response.v0-truncated.json",
            Response(decode::<TransferDetails>),
        ),
        // ---- cards ---------------------------------------------------------------------------
        (
            "cards.create.request.json",
            Request(build_card_create, decode::<CreateCardRequest>),
        ),
        (
            "cards.create.response.json",
            Response(decode::<CardCreated>),
        ),
        ("cards.list.response.json", Response(decode::<CardList>)),
        // ---- webhooks ------------------------------------------------------------------------
        ("webhook.user_status.json", Webhook("user_status")),
        ("webhook.kyc_file.json", Webhook("kyc_file")),
        ("webhook.kyc_verification.json", Webhook("kyc_verification")),
        ("webhook.transfer.json", Webhook("transfer")),
        ("webhook.sepa_transfer.json", Webhook("sepa_transfer")),
        (
            "webhook.crypto_deposit.flat.json",
            Webhook("crypto_deposit"),
        ),
        (
            "webhook.crypto_deposit.envelope.json",
            Webhook("crypto_deposit"),
        ),
    ]
}

// ---- request builders (newest generation, exactly as the docs show) ----------------------------

fn to_value<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap()
}

fn build_partner_exchange() -> Value {
    to_value(&PartnerExchangeRequest::new(
        amt("10"),
        Currency::Eth,
        Currency::Eur,
        "ee7b2f0f-0ffb-4fce-8fb3-66db2ca1f461",
    ))
}

fn build_partner_exchange_alt() -> Value {
    to_value(&PartnerExchangeRequest::new(
        amt("10"),
        Currency::Eth,
        Currency::Eur,
        "67f4f364-e6f4-4b93-8b71-1576cbc50e0b",
    ))
}

fn build_order_lock() -> Value {
    to_value(&OrderLockRequest::new(
        Currency::Usdc,
        amt("346.59"),
        Network::Polygon,
    ))
}

fn build_order_create() -> Value {
    to_value(&CreateOrderRequest {
        lock_id: "36e19a53-a1b4-499c-99f7-b7bfc6be87e4".into(),
    })
}

fn build_create_user_v1() -> Value {
    to_value(&CreateUserRequest {
        external_user_id: "6ef2fb57-c337-4557-ba24-b82f1322f912".into(),
        email: "johndoe@gmail.com".into(),
        phone: "48123123123".into(),
        first_name: "John".into(),
        last_name: "Doe".into(),
        address: Some("Example 321".into()),
        city: "New York".into(),
        post_code: "EA0234".into(),
        country: "PL".into(),
        citizenship: "PL".into(),
        document_type: Some(DocumentType::IdCard),
        document_number: Some(SecretString::new("CEV12630")),
        ..Default::default()
    })
}

fn create_user_v3() -> CreateUserRequest {
    CreateUserRequest {
        external_user_id: "f47ac10b-58cc-4372-a567-0e02b23d479".into(),
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
        user_identification_number: Some(SecretString::new("123456789")),
        ..Default::default()
    }
}

fn build_create_user_v3() -> Value {
    to_value(&create_user_v3())
}

fn build_create_user_without_kyc() -> Value {
    to_value(&CreateUserWithoutKycRequest {
        external_user_id: "bca65c48-df49-4831-a7b2-de79033219".into(),
        email: "johndoe@gmail.com".into(),
        first_name: "John".into(),
        last_name: "Doe".into(),
        address: "Adama Matuszczaka 51/4".into(),
        city: "Rzeszów".into(),
        country: "PL".into(),
        document_type: Some(DocumentType::Passport),
        document_number: Some(SecretString::new("CEV124630")),
        pesel: Some(SecretString::new("12345678901")),
        birth_country: Some("PL".into()),
        birth_date: Some(SecretString::new("2000-01-01")),
    })
}

fn build_kyc_verification() -> Value {
    to_value(&CreateKycVerificationRequest {
        external_user_id: "bca65c48-df49-4831-a7b2-de7903321581".into(),
        document_type: DocumentType::IdCard,
        country: "PL".into(),
        income_source: IncomeSource::Salary,
        open_account_reason: OpenAccountReason::InvestmentsOrCryptocurrencies,
        tax_id: None,
        occupation: Some(Occupation::It),
        additional_info: Some("I am a programmer".into()),
    })
}

fn build_card_create() -> Value {
    to_value(&CreateCardRequest {
        external_user_id: "bca65c48-df49-4831-a7b2-de7903321581".into(),
        label: "Shopping".into(),
        pin: SecretString::new("1234"),
    })
}

// ---- the table checks ------------------------------------------------------------------------

#[test]
fn every_vector_passes_its_check() {
    let mut failures = Vec::new();
    for (name, check) in table() {
        let text = read(name);
        let result: Result<(), String> = match check {
            Check::Response(f) => f(&text),
            Check::DecodeOnly(f, why) => {
                assert!(!why.is_empty(), "{name}: say why it is decode-only");
                f(&text)
            }
            Check::Webhook(expected) => match parse_event(&text) {
                Ok(e) if e.name() == expected => Ok(()),
                Ok(e) => Err(format!(
                    "parsed as {} ({e:?}), expected {expected}",
                    e.name()
                )),
                Err(e) => Err(e.to_string()),
            },
            Check::Error => check_error(name, &text),
            Check::Request(build, f) => {
                let built = build();
                let file: Value = serde_json::from_str(&text).unwrap();
                if built != file {
                    Err(format!(
                        "built request differs:\n built: {built}\n  file: {file}"
                    ))
                } else {
                    f(&text)
                }
            }
        };
        if let Err(e) = result {
            failures.push(format!("{name}: {e}"));
        }
    }
    assert!(
        failures.is_empty(),
        "failing vectors:\n{}",
        failures.join("\n")
    );
}

fn check_error(name: &str, text: &str) -> Result<(), String> {
    let info: ErrorInfo = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let code = info.error_code.as_deref().ok_or("no errorCode")?;
    let parsed = ErrorCode::parse(code);
    if parsed.is_unknown() {
        return Err(format!("errorCode {code} is not a known P-code"));
    }
    // The file is named after its code: error.P412.json, error.P412.v0.json.
    let from_name = name.trim_start_matches("error.").split('.').next().unwrap();
    if ErrorCode::parse(from_name) != parsed {
        return Err(format!("file name says {from_name}, body says {code}"));
    }
    Ok(())
}

#[test]
fn every_file_is_in_the_table() {
    let listed: BTreeSet<&str> = table().iter().map(|(n, _)| *n).collect();
    assert_eq!(listed.len(), table().len(), "a vector is listed twice");
    let mut on_disk = BTreeSet::new();
    for entry in std::fs::read_dir(vectors_dir()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name == "README.md" {
            continue;
        }
        assert!(
            name.ends_with(".json"),
            "unexpected file in tests/vectors: {name}"
        );
        on_disk.insert(name);
    }
    let on_disk: BTreeSet<&str> = on_disk.iter().map(String::as_str).collect();
    let missing: Vec<_> = on_disk.difference(&listed).collect();
    assert!(
        missing.is_empty(),
        "vectors not covered by the table: {missing:?}"
    );
    let stale: Vec<_> = listed.difference(&on_disk).collect();
    assert!(stale.is_empty(), "table entries without a file: {stale:?}");

    // The README lists every file with its source.
    let readme = read("README.md");
    for name in &on_disk {
        assert!(
            readme.contains(&format!("`{name}`")),
            "README.md does not list {name}"
        );
    }
}

#[test]
fn every_file_name_starts_with_a_route_webhook_or_error() {
    for (name, _) in table() {
        if name.starts_with("webhook.") || name.starts_with("error.") {
            continue;
        }
        let route = name
            .split(".request")
            .next()
            .unwrap()
            .split(".response")
            .next()
            .unwrap();
        assert!(
            p100::routes::by_name(route).is_some(),
            "{name}: {route} is not a route name"
        );
    }
}

// ---- spot checks of exact values -------------------------------------------------------------

#[test]
fn balances_keep_exact_values() {
    let r: CreateUserResponse = load("users.create.response.v1-truncated.json");
    assert_eq!(r.poa_required, Some(false));
    let b = r.balances.unwrap();
    let btc = b.crypto(&Currency::Btc).unwrap();
    assert_eq!(btc.rate.unwrap().value(), dec("102178.03394219"));
    assert_eq!(btc.amount.to_string(), "0.00000000");
    assert_eq!(btc.amount.scale(), 8);
    assert!(btc.wallet.is_none());
    let fee = btc.network_config["btc"].withdrawal.as_ref().unwrap();
    assert_eq!(fee.fee_withdrawal.unwrap().value(), dec("0.0003"));
    assert_eq!(fee.min_withdrawal, None);
    let eur = b.fiat(&Currency::Eur).unwrap();
    assert_eq!(eur.status, Some(BalanceStatus::WaitingToBeActivated));
    assert_eq!(eur.iban, None);
    assert_eq!(eur.amount.scale(), 2);
    let usdc = b.crypto(&Currency::Usdc).unwrap();
    assert_eq!(usdc.amount.scale(), 6);
    let polygon = &usdc.network_config["polygon"];
    assert_eq!(polygon.name.as_deref(), Some("amoy"));
    assert_eq!(polygon.mainnet, Some(false));
    assert_eq!(
        polygon
            .withdrawal
            .as_ref()
            .unwrap()
            .fee_withdrawal
            .unwrap()
            .value(),
        dec("0.5")
    );

    let p: Balances = load("partner.balances.response.v0-truncated.json");
    assert_eq!(p.fiat_balances.len(), 1);
    assert_eq!(p.crypto_balances.len(), 2);
    let eur = p.fiat(&Currency::Eur).unwrap();
    assert_eq!(eur.status, Some(BalanceStatus::Active));
    assert_eq!(eur.iban.as_deref(), Some("LT683130019950000568"));
    let usdt = p.crypto(&Currency::Usdt).unwrap();
    assert_eq!(usdt.rate.unwrap().value(), dec("0.963486"));
    assert_eq!(
        usdt.network_config["ethereum"]
            .deposit
            .as_ref()
            .unwrap()
            .min_deposit,
        Some(Amount::from(5i64))
    );
}

#[test]
fn flat_balances_of_the_non_kyc_create() {
    let r: CreateUserResponse = load("users.create_without_kyc.response.v1-truncated.json");
    assert_eq!(r.user_id, "db0e3f17-3ff0-481d-b543-ac5576c06650");
    assert_eq!(r.poa_required, None);
    let b = r.balances.unwrap();
    assert_eq!(b.fiat_balances.len(), 1);
    let names: Vec<_> = b.crypto_balances.iter().map(|c| c.name.clone()).collect();
    assert_eq!(names, vec![Currency::Eth, Currency::Usdc, Currency::Ltc]);
    let eur = b.fiat(&Currency::Eur).unwrap();
    assert_eq!(eur.amount.to_string(), "0.00");
    assert_eq!(eur.status, None);
    assert_eq!(
        b.crypto(&Currency::Ltc).unwrap().rate.unwrap().value(),
        dec("103.62980236")
    );
}

#[test]
fn poa_flag_under_both_names() {
    let v1: CreateUserResponse = load("users.create.response.v1-truncated.json");
    let v3: CreateUserResponse = load("users.create.response.v3.json");
    assert_eq!(v1.poa_required, Some(false));
    assert_eq!(v3.poa_required, Some(false));
    assert!(v3.balances.is_none());
    let flipped = read("users.create.response.v3.json").replace("false", "true");
    let v3: CreateUserResponse = serde_json::from_str(&flipped).unwrap();
    assert_eq!(v3.poa_required, Some(true));
}

#[test]
fn order_lock_both_generations() {
    let v2: OrderLock = load("orders.lock.response.v2.json");
    let v3: OrderLock = load("orders.lock.response.v3.json");
    assert_eq!(v2.lock_id, "a1b2c3d4-e5f6-7890-1234-567890abcdef");
    assert_eq!(v3.lock_id, "aa1cb52d-4692-45b2-aadb-5a11ac221328");
    assert_eq!(v2.currency, Some(Currency::Usdc));
    assert_eq!(v3.currency, Some(Currency::Usdc));
    assert_eq!(v2.rate.value(), dec("0.9245"));
    assert_eq!(v3.rate.value(), dec("0.84"));
    assert_eq!(v3.amount.value(), dec("412.607142"));
    assert_eq!(v3.destination_currency, Some(Currency::Eur));
    assert_eq!(v2.destination_currency, None);
    assert_eq!(v2.network, Some(Network::Polygon));
}

#[test]
fn order_details_values() {
    let d: OrderDetails = load("orders.details.response.json");
    assert_eq!(d.status, OrderStatus::WaitingForConfirmation);
    assert!(!d.status.is_final());
    assert_eq!(d.network, Some(Network::Polygon));
    assert_eq!(d.currency, Some(Currency::Usdc));
    assert_eq!(d.received_amount.unwrap().value(), dec("849.39"));
    assert_eq!(d.total_amount_required, Some(Amount::from(1000i64)));
    assert_eq!(
        (d.confirmations, d.required_confirmations),
        (Some(1), Some(3))
    );
    assert_eq!(d.expires_at, None);
}

#[test]
fn exchange_values() {
    let r: ExchangeRates = load("exchange.rates.response.json");
    assert_eq!(r.rates.len(), 9);
    assert_eq!(
        r.rate(&Currency::Btc).unwrap().value(),
        dec("55647.81453411")
    );
    assert_eq!(r.rate(&Currency::Eurt).unwrap().value(), dec("0.993082"));
    let l: ExchangeLock = load("exchange.user_lock.response.json");
    assert_eq!(l.lock_id, "f4a33667-0824-4d73-88d3-3698a6f7c534");
    assert_eq!(l.fee_percentage.unwrap().value(), dec("1.49"));
    assert_eq!(
        l.rate(&Currency::Btc).unwrap().value(),
        dec("63115.99036294")
    );
    assert_eq!(l.valid_until.as_deref(), Some("2024-11-05T22:00:42.981Z"));
    let c: ExchangeCreated = load("exchange.partner_execute.response.json");
    assert_eq!(c.exchange_id, "3f0aeaa7-1177-4d77-9985-0cb987809801");
}

#[test]
fn sepa_values() {
    let v0: SepaTransferDetails = load("sepa.details.response.v0.json");
    assert_eq!(v0.amount, Amount::from(100i64));
    assert_eq!(v0.fee, Some(Amount::from(10i64)));
    assert!(v0.status.is_success());
    let user = v0.user.as_ref().unwrap();
    assert_eq!(user.document_number.as_ref().unwrap().expose(), "109314");
    assert_eq!(user.pesel, None);
    assert!(!format!("{v0:?}").contains("109314"));
    let t: SepaTransferDetails = load("sepa.details.response.user-truncated.json");
    assert_eq!(t.amount.to_string(), "5.51");
    assert_eq!(t.user, Some(serde_json::from_str("{}").unwrap()));
    let info: SepaDepositInfo = load("partner.sepa_deposit_info.response.json");
    assert_eq!(info.title, "b32ab065-1f05-4322-a39f-cc185bf1de51");
    assert_eq!(info.account_holder.as_deref(), Some("P100 sp. z o.o."));
    assert_eq!(info.address.as_deref(), Some("Połonińska 19"));
}

#[test]
fn transfers_crypto_cards_values() {
    let d: TransferDetails = load("transfers.details.response.v0-truncated.json");
    assert_eq!(d.currency, Some(Currency::Btc));
    assert_eq!(d.source_email.as_deref(), Some("sender@example.com"));
    assert!(d.status.is_success());
    let f: NetworkFee = load("crypto.network_fee.response.json");
    assert_eq!(f.network_fee.value(), dec("0.000469"));
    let l: CardList = load("cards.list.response.json");
    assert_eq!(l.cards[1].status, CardStatus::LockedByUser);
    assert_eq!(l.cards[1].card_last_digits.as_deref(), Some("4321"));
    let c: CardCreated = load("cards.create.response.json");
    assert_eq!(c.card_number.expose(), "1234123412341234");
    assert_eq!(c.exp, "01/30");
    assert!(!format!("{c:?}").contains("1234123412341234"));
}

#[test]
fn decode_only_requests_still_read_right() {
    // GH SEPA example: `externalUserId` is accepted as the source user; the number amount reads
    // exactly; the SDK itself writes `sourceExternalUserId` and a string amount.
    let v: Value = json("sepa.user_transfer.request.v0.json");
    let req: UserSepaTransferRequest = serde_json::from_value(v).unwrap();
    assert_eq!(
        req.source_external_user_id,
        "bca65c48-df49-4831-a7b2-de7903321581"
    );
    assert_eq!(req.receiver_type, Some(ReceiverType::Natural));
    let out = serde_json::to_value(&req).unwrap();
    assert_eq!(out["amount"], Value::String("100".into()));
    assert!(out.get("externalUserId").is_none());
    assert!(out.get("sourceExternalUserId").is_some());

    let t: TransferRequest = load("transfers.create.request.v0.json");
    assert_eq!(
        t,
        TransferRequest::collect(
            "bca65c48-df49-4831-a7b2-de7903321581",
            Amount::from(100i64),
            Currency::Btc
        )
    );
    assert_eq!(
        serde_json::to_value(&t).unwrap()["amount"],
        Value::String("100".into())
    );

    let w: Value = json("crypto.user_withdrawal.request.v0-truncated.json");
    assert_eq!(
        Currency::parse(w["currency"].as_str().unwrap()),
        Currency::Btc
    );
    let a: Amount = serde_json::from_value(w["amount"].clone()).unwrap();
    assert_eq!(a.value(), dec("0.005"));
}

#[test]
fn reproduced_requests_validate() {
    // The newest request examples pass local validation shape-wise (user ids, enums, amounts).
    let req = create_user_v3();
    req.validate().unwrap();
    assert_eq!(req.birth_date.as_ref().unwrap().expose(), "1990-05-15");
    for (name, value) in [
        (
            "users.create.request.v1.json",
            json("users.create.request.v1.json"),
        ),
        (
            "users.create.request.v3.json",
            json("users.create.request.v3.json"),
        ),
    ] {
        let r: CreateUserRequest = serde_json::from_value(value).unwrap();
        r.validate().unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    load::<CreateUserWithoutKycRequest>("users.create_without_kyc.request.json")
        .validate()
        .unwrap();
    load::<CreateKycVerificationRequest>("kyc.create_verification.request.v0-truncated.json")
        .validate()
        .unwrap();
    load::<CreateCardRequest>("cards.create.request.json")
        .validate()
        .unwrap();
    load::<CreateOrderRequest>("orders.create.request.json")
        .validate()
        .unwrap();
    load::<TransferRequest>("transfers.create.request.v0.json")
        .validate()
        .unwrap();
    assert!(!format!("{req:?}").contains("1990-05-15"));
    assert!(
        PartnerExchangeRequest::new(amt("10"), Currency::Eth, Currency::Eur, "l")
            .validate()
            .is_ok()
    );
    assert!(
        OrderLockRequest::new(Currency::Usdc, amt("346.59"), Network::Polygon)
            .validate()
            .is_ok()
    );
}

#[test]
fn webhook_values() {
    let WebhookEvent::CryptoDeposit(flat) =
        parse_event(&read("webhook.crypto_deposit.flat.json")).unwrap()
    else {
        panic!("not a crypto deposit")
    };
    assert_eq!(flat.amount.unwrap().value(), dec("0.001"));
    assert_eq!(flat.status, CryptoDepositStatus::WaitingForTrData);
    assert_eq!(
        flat.external_user_id.as_deref(),
        Some("8bdd8c8a-e9b7-475e-9690-8a34e8b78dab")
    );
    let WebhookEvent::CryptoDeposit(env) =
        parse_event(&read("webhook.crypto_deposit.envelope.json")).unwrap()
    else {
        panic!("not a crypto deposit")
    };
    assert_eq!(env.crypto_deposit_id, "dep_123");
    assert_eq!(env.amount.unwrap().to_string(), "0.05");
    assert_eq!(env.currency, Some(Currency::Btc));

    let WebhookEvent::Transfer(t) = parse_event(&read("webhook.transfer.json")).unwrap() else {
        panic!("not a transfer")
    };
    assert_eq!(t.destination_external_user_id, None);
    assert_eq!(t.error.unwrap().description.as_deref(), Some("Error"));
    let WebhookEvent::SepaTransfer(s) = parse_event(&read("webhook.sepa_transfer.json")).unwrap()
    else {
        panic!("not a SEPA transfer")
    };
    assert_eq!(s.amount.unwrap().to_string(), "3.8");
    assert_eq!(s.fee, Some(Amount::from(0i64)));
    let WebhookEvent::KycVerification(k) =
        parse_event(&read("webhook.kyc_verification.json")).unwrap()
    else {
        panic!("not a KYC verification")
    };
    assert_eq!(k.attempt_status, Some(AttemptStatus::RejectedByProvider));
    assert_eq!(k.rejection_reason.as_deref(), Some("NO_FACE_FOUND"));
}
