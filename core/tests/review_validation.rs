//! Outside review: request validation against the API docs (`/work/shared/p100-api/*.md`).
//!
//! Rule under test: bad input gets a clear error naming the field before anything is sent; valid
//! input the API accepts is never refused; input is never changed silently in a way that changes
//! what the API does.
//!
//! `defect_*` tests assert the behaviour the docs call for and failed on the reviewed commit
//! (cbf3835; all fixed in stop 38). Every other test pins behaviour that was checked and found
//! right.

use std::time::Duration;

use p100::models::*;
use p100::validate;
use p100::{Amount, Client, Currency, ErrorKind, Network, RetryPolicy, SecretString};
use serde_json::{json, Value};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn a(s: &str) -> Amount {
    Amount::parse(s).unwrap()
}

#[track_caller]
fn assert_field(r: p100::Result<()>, field: &str) -> p100::Error {
    let e = r.expect_err(&format!("expected a validation error on {field}"));
    assert_eq!(e.kind(), ErrorKind::Validation, "{e}");
    assert_eq!(e.field(), Some(field), "{e}");
    assert!(e.to_string().contains(field), "{e} does not name {field}");
    e
}

fn kyc_verification(country: &str) -> CreateKycVerificationRequest {
    CreateKycVerificationRequest {
        external_user_id: "bca65c48-df49-4831-a7b2-de7903321581".into(),
        document_type: DocumentType::IdCard,
        country: country.into(),
        income_source: IncomeSource::Salary,
        open_account_reason: OpenAccountReason::DailyUse,
        tax_id: None,
        occupation: Some(Occupation::It),
        additional_info: Some("I am a programmer".into()),
    }
}

fn kyc_user(country: &str) -> CreateUserRequest {
    CreateUserRequest {
        external_user_id: "f47ac10b-58cc-4372-a567-0e02b23d479".into(),
        email: "jan.kowalski@example.pl".into(),
        phone: "486012334567".into(),
        first_name: "Jan".into(),
        last_name: "Kowalski".into(),
        city: "Warszawa".into(),
        post_code: "00-001".into(),
        country: country.into(),
        citizenship: "PL".into(),
        has_accepted_p100_tc: Some(true),
        ..Default::default()
    }
}

// =============================================================================================
// Confirmed defects (these fail on the reviewed commit)
// =============================================================================================

/// 00-integration.md §9 (Supported Countries, newest): "some territories must be sent with the
/// parent country's code" — Guadeloupe, French Guiana, Martinique, Reunion, Saint-Martin → `FR`,
/// Svalbard and Jan Mayen → `NO` ("API Code to Use"). `validate::country` only asks for an
/// assigned ISO code, so the territory's own code passes and the user / KYC session is sent
/// with a code the API says not to use.
#[test]
fn defect_territory_codes_the_api_wants_as_parent_code_are_accepted() {
    for (code, parent) in [
        ("GP", "FR"),
        ("GF", "FR"),
        ("MQ", "FR"),
        ("RE", "FR"),
        ("MF", "FR"),
        ("SJ", "NO"),
    ] {
        // The parent code passes (sanity).
        kyc_verification(parent).validate().unwrap();
        kyc_user(parent).validate().unwrap();
        let e = assert_field(kyc_verification(code).validate(), "country");
        assert!(
            e.message().contains(parent),
            "{code}: {e} should point to {parent}"
        );
        assert_field(kyc_user(code).validate(), "country");
    }
}

/// 10-partner-operations.md §4.1 / 30-user-money-and-cards.md §3.1 (GH, the only source):
/// query `network` — "Enum: [ polygon ]; only for usdc/usdt on polygon; omitted → fee computed
/// for ethereum". The SDK accepts every network the currency moves on and puts it in the query:
/// `currency=usdc&network=ethereum`, `currency=btc&network=btc`, `currency=ltc&network=ltc` are
/// sent although `ethereum`/`btc`/`ltc` are not values of the documented enum.
#[test]
fn defect_network_fee_query_accepts_networks_outside_the_documented_enum() {
    // Documented and accepted.
    for c in [Currency::Usdc, Currency::Usdt] {
        NetworkFeeQuery {
            currency: c,
            network: Some(Network::Polygon),
        }
        .validate()
        .unwrap();
        NetworkFeeQuery::new(Currency::Usdc).validate().unwrap();
    }
    // Outside `[ polygon ]`: must be refused on `network` (or left out, the documented default),
    // not sent.
    for (c, n) in [
        (Currency::Usdc, Network::Ethereum),
        (Currency::Usdt, Network::Ethereum),
        (Currency::Btc, Network::Bitcoin),
        (Currency::Ltc, Network::Litecoin),
        (Currency::Doge, Network::Dogecoin),
        (Currency::Eth, Network::Ethereum),
    ] {
        let q = NetworkFeeQuery {
            currency: c.clone(),
            network: Some(n.clone()),
        };
        assert_field(q.validate(), "network");
    }
}

/// The same defect seen on the wire: what the client actually sends for the fee of USDC on
/// ethereum.
#[tokio::test]
async fn defect_network_fee_query_puts_network_ethereum_in_the_query() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"networkFee": 0.000469})))
        .mount(&server)
        .await;
    let client = client(&server);
    let r = client
        .crypto()
        .network_fee(&NetworkFeeQuery {
            currency: Currency::Usdc,
            network: Some(Network::Ethereum),
        })
        .await;
    let sent = server.received_requests().await.unwrap();
    let urls: Vec<String> = sent.iter().map(|r| r.url.to_string()).collect();
    assert!(
        r.is_err() && sent.is_empty() || urls.iter().all(|u| !u.contains("network=ethereum")),
        "sent {urls:?}: `network=ethereum` is not in the documented enum [ polygon ]"
    );
}

// =============================================================================================
// Checked and found right (these pass)
// =============================================================================================

fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key("test-key")
        .base_url(server.uri())
        .timeout(Duration::from_secs(5))
        .retry_policy(RetryPolicy {
            max_retries: 0,
            initial_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(1),
        })
        .build()
        .unwrap()
}

/// The call's result and the request bodies the server saw, as JSON.
async fn capture<F, Fut, T>(reply: Value, call: F) -> (p100::Result<T>, Vec<Value>)
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = p100::Result<T>>,
{
    let (r, bodies) = capture_text(reply, call).await;
    let bodies = bodies
        .iter()
        .map(|b| serde_json::from_str(b).unwrap_or(Value::Null))
        .collect();
    (r, bodies)
}

/// The raw JSON text of the request bodies (to see number vs string, and the digits).
async fn capture_text<F, Fut, T>(reply: Value, call: F) -> (p100::Result<T>, Vec<String>)
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = p100::Result<T>>,
{
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(reply))
        .mount(&server)
        .await;
    let r = call(client(&server)).await;
    let bodies = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| String::from_utf8(r.body.clone()).unwrap())
        .collect();
    (r, bodies)
}

#[tokio::test]
async fn bad_money_input_is_refused_on_its_field_and_nothing_is_sent() {
    // Too many decimals for the currency: refused, never rounded.
    let mut sepa = PartnerSepaTransferRequest::new(a("10.005"), "DE89370400440532013000", "Inv 1");
    let (r, sent) = capture(json!({"transferId": "t"}), |c| async move {
        c.sepa().partner_transfer(&sepa).await
    })
    .await;
    assert_eq!(r.unwrap_err().field(), Some("amount"));
    assert!(sent.is_empty());

    // Zero and negative.
    for bad in ["0", "0.00", "-0", "-10", "-0.01"] {
        sepa = PartnerSepaTransferRequest::new(a(bad), "DE89370400440532013000", "Inv 1");
        assert_field(sepa.validate(), "amount");
    }
    // An 18-decimal ETH amount (wei precision): the docs' P403 says "at most 8 decimal places".
    let w = UserCryptoWithdrawalRequest {
        source_external_user_id: "u1".into(),
        currency: Currency::Eth,
        amount: a("0.123456789012345678"),
        wallet_address: "0xabc".into(),
        name: "John Doe".into(),
        wallet_type: WalletType::NonCustodial,
        receiver_type: ReceiverType::Natural,
        ..Default::default()
    };
    let (r, sent) = capture(json!({"withdrawalId": "w"}), |c| async move {
        c.crypto().user_withdrawal(&w).await
    })
    .await;
    let e = r.unwrap_err();
    assert_eq!(e.field(), Some("amount"));
    assert!(e.to_string().contains("8 decimal places"), "{e}");
    assert!(sent.is_empty());

    // 7 decimals of USDC/USDT (6-decimal tokens, balances show "0.000000").
    let mut x = PartnerExchangeRequest::new(a("1.0000001"), Currency::Usdc, Currency::Eur, "l");
    assert_field(x.validate(), "amount");
    x.amount = a("1.000001");
    x.validate().unwrap();

    // Internal transfer: exactly one user; unknown currency; cents for EUR.
    assert_field(
        TransferRequest {
            source_external_user_id: Some("a".into()),
            destination_external_user_id: Some("b".into()),
            amount: a("1"),
            currency: Currency::Eur,
        }
        .validate(),
        "sourceExternalUserId",
    );
    assert_field(
        TransferRequest::fund("u1", a("1"), Currency::parse("usd")).validate(),
        "currency",
    );
    assert_field(
        TransferRequest::fund("u1", a("0.001"), Currency::Eur).validate(),
        "amount",
    );
}

#[tokio::test]
async fn amounts_go_out_as_the_docs_show_them_with_the_value_unchanged() {
    // SEPA (user): `amount` typed `string` (GH table); IBAN sent in electronic form.
    let req = UserSepaTransferRequest {
        receiver_type: Some(ReceiverType::Natural),
        receiver_first_name: Some("John".into()),
        receiver_last_name: Some("Doe".into()),
        ..UserSepaTransferRequest::new("u1", a("10.5"), "LT60 1010 0123 4567 8901", "Bank transfer")
    };
    let (r, sent) = capture(json!({"transferId": "t"}), |c| async move {
        c.sepa().user_transfer(&req).await
    })
    .await;
    r.unwrap();
    assert_eq!(
        sent,
        [
            json!({"sourceExternalUserId":"u1","amount":"10.50","currency":"eur",
            "destinationIban":"LT601010012345678901","transferTitle":"Bank transfer",
            "receiverType":"NATURAL","receiverFirstName":"John","receiverLastName":"Doe"})
        ]
    );

    // Crypto withdrawal: `amount` typed `number` (GH), exact digits, currency lower case.
    let w = UserCryptoWithdrawalRequest {
        source_external_user_id: "bca65c48-df49-4831-a7b2-de7903321581".into(),
        currency: Currency::parse("BTC"),
        amount: a("0.005"),
        wallet_address: "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh".into(),
        name: "John Doe".into(),
        wallet_type: WalletType::parse("non_custodial"),
        receiver_type: ReceiverType::parse("natural"),
        ..Default::default()
    };
    let (r, sent) = capture_text(json!({"withdrawalId": "w"}), |c| async move {
        c.crypto().user_withdrawal(&w).await
    })
    .await;
    r.unwrap();
    assert!(sent[0].contains(r#""amount":0.00500000"#), "{}", sent[0]);
    assert!(sent[0].contains(r#""currency":"btc""#), "{}", sent[0]);

    // Exchange: number (docs example `10`); 8 significant decimals kept exactly.
    let x = PartnerExchangeRequest::new(a("0.12345678"), Currency::Btc, Currency::Eur, "l1");
    let (r, sent) = capture_text(json!({"exchangeId": "e"}), |c| async move {
        c.exchange().partner_execute(&x).await
    })
    .await;
    r.unwrap();
    assert!(sent[0].contains(r#""amount":0.12345678"#), "{}", sent[0]);

    // Internal transfer: `amount` typed `string` (GH table).
    let t = TransferRequest::collect("u1", a("100"), Currency::Btc);
    let (r, sent) = capture_text(json!({"transferId": "t"}), |c| async move {
        c.transfers().create(&t).await
    })
    .await;
    r.unwrap();
    assert!(
        sent[0].contains(r#""amount":"100.00000000""#),
        "{}",
        sent[0]
    );

    // Order lock: string as in the docs example, untouched.
    let o = OrderLockRequest::new(Currency::Usdc, a("346.59"), Network::parse("POLYGON"));
    let (r, sent) = capture(
        json!({"lockId":"l","amount":412.607142,"rate":"0.84"}),
        |c| async move { c.orders().lock(&o).await },
    )
    .await;
    r.unwrap();
    assert_eq!(
        sent,
        [json!({"currency":"usdc","amount":"346.59","network":"polygon"})]
    );
}

/// Every request example of the docs decodes (as a host would pass it) and validates.
#[test]
fn documented_request_examples_are_accepted() {
    fn ok<T: serde::de::DeserializeOwned + Validate>(v: Value) {
        let t: T = p100::input::decode(&v, "request").unwrap();
        t.validate().unwrap();
    }
    ok::<CreateUserRequest>(json!({
        "externalUserId": "6ef2fb57-c337-4557-ba24-b82f1322f912", "email": "johndoe@gmail.com",
        "phone": "48123123123", "firstName": "John", "lastName": "Doe", "address": "Example 321",
        "city": "New York", "postCode": "EA0234", "country": "PL", "citizenship": "PL",
        "documentType": "ID_CARD", "documentNumber": "CEV12630"}));
    ok::<CreateUserRequest>(json!({
        "externalUserId": "f47ac10b-58cc-4372-a567-0e02b23d479", "email": "jan.kowalski@example.pl",
        "phone": "486012334567", "firstName": "Jan", "lastName": "Kowalski",
        "street": "ul. Marszałkowska", "number": "123/5", "city": "Warszawa", "postCode": "00-001",
        "country": "PL", "citizenship": "PL", "nationality": "PL", "birthCountry": "PL",
        "birthDate": "1990-05-15", "userIdentificationNumber": "123456789"}));
    ok::<CreateUserWithoutKycRequest>(json!({
        "externalUserId": "bca65c48-df49-4831-a7b2-de79033219", "email": "johndoe@gmail.com",
        "firstName": "John", "lastName": "Doe", "address": "Adama Matuszczaka 51/4",
        "city": "Rzeszów", "country": "PL", "documentType": "PASSPORT",
        "documentNumber": "CEV124630", "pesel": "12345678901", "birthCountry": "PL",
        "birthDate": "2000-01-01"}));
    ok::<CreateKycVerificationRequest>(json!({
        "externalUserId": "bca65c48-df49-4831-a7b2-de7903321581", "documentType": "ID_CARD",
        "country": "PL", "incomeSource": "SALARY",
        "openAccountReason": "INVESTMENTS_OR_CRYPTOCURRENCIE", "occupation": "IT",
        "additionalInfo": "I am a programmer"}));
    ok::<PartnerExchangeRequest>(
        json!({"amount": 10, "currencyFrom": "eth", "currencyTo": "eur",
        "lockId": "ee7b2f0f-0ffb-4fce-8fb3-66db2ca1f461"}),
    );
    ok::<TransferRequest>(
        json!({"sourceExternalUserId": "bca65c48-df49-4831-a7b2-de7903321581",
        "amount": 100, "currency": "btc"}),
    );
    ok::<OrderLockRequest>(json!({"currency": "usdc", "amount": "346.59", "network": "polygon"}));
    ok::<CreateOrderRequest>(json!({"lockId": "36e19a53-a1b4-499c-99f7-b7bfc6be87e4"}));
    ok::<CreateCardRequest>(
        json!({"externalUserId": "bca65c48-df49-4831-a7b2-de7903321581",
        "label": "Shopping", "pin": "1234"}),
    );
    // GH user SEPA example, minus its duplicated "receiverType" key (refused as ambiguous by
    // input::json_text, which is right) and with the old `externalUserId` name.
    ok::<UserSepaTransferRequest>(
        json!({"externalUserId": "bca65c48-df49-4831-a7b2-de7903321581",
        "currency": "eur", "amount": 100, "receiverFirstName": "John", "receiverLastName": "Doe",
        "receiverType": "NATURAL", "destinationIban": "LT601010012345678901",
        "transferTitle": "Bank transfer"}),
    );
    ok::<UserCryptoWithdrawalRequest>(json!({
        "sourceExternalUserId": "bca65c48-df49-4831-a7b2-de7903321581", "currency": "BTC",
        "amount": "0.005", "walletAddress": "bc1q", "network": null, "name": "John Doe",
        "walletType": "NON_CUSTODIAL", "receiverType": "NATURAL"}));
    ok::<UserCryptoWithdrawalRequest>(json!({
        "sourceExternalUserId": "u1", "currency": "usdc", "amount": "15",
        "walletAddress": "0xabc", "network": "POLYGON", "name": "ACME", "walletType": "CUSTODIAL",
        "receiverType": "LEGAL"}));
    ok::<NetworkFeeQuery>(json!({"currency": "usdt", "network": "polygon"}));
}

#[test]
fn field_rules_that_the_docs_state_are_enforced() {
    // Card: label 3–30, PIN exactly 4 digits, never echoed.
    let card = |label: &str, pin: &str| CreateCardRequest {
        external_user_id: "u1".into(),
        label: label.into(),
        pin: SecretString::new(pin),
    };
    card("abc", "0000").validate().unwrap();
    card(&"x".repeat(30), "1234").validate().unwrap();
    assert_field(card("ab", "1234").validate(), "label");
    assert_field(card(&"x".repeat(31), "1234").validate(), "label");
    for pin in ["12345", "123", "12a4", "１２３４", " 1234"] {
        let e = assert_field(card("Shopping", pin).validate(), "pin");
        assert!(
            !format!("{e} {e:?}").contains(pin.trim()),
            "{e:?} echoes the PIN"
        );
    }
    let p = UpdatePinRequest {
        external_user_id: "u1".into(),
        card_id: "c1".into(),
        pin: SecretString::new("98765"),
    };
    let e = assert_field(p.validate(), "pin");
    assert!(!format!("{e} {e:?}").contains("98765"));

    // Travel-rule fields of a withdrawal (GH table: name, walletType, receiverType required).
    let w = |name: &str, wt: &str, rt: &str| PartnerCryptoWithdrawalRequest {
        currency: Currency::Usdt,
        amount: a("20"),
        wallet_address: "0xabc".into(),
        network: Some(Network::Polygon),
        memo: None,
        name: name.into(),
        wallet_type: WalletType::parse(wt),
        receiver_type: ReceiverType::parse(rt),
    };
    w("John Doe", "OTHER", "NATURAL").validate().unwrap();
    assert_field(w(" ", "OTHER", "NATURAL").validate(), "name");
    assert_field(w("J", "SELF_HOSTED", "NATURAL").validate(), "walletType");
    assert_field(w("J", "OTHER", "PERSON").validate(), "receiverType");
    // Currency/network pairs (usdc/usdt on ethereum or polygon; btc only on its chain).
    let mut bad = w("J", "OTHER", "NATURAL");
    bad.currency = Currency::Btc;
    assert_field(bad.validate(), "network");
    bad.currency = Currency::Eur;
    bad.network = None;
    assert_field(bad.validate(), "currency");

    // SEPA receiver rules (Level 1: none; NATURAL: both names; LEGAL: company only).
    let s = PartnerSepaTransferRequest::new(a("5"), "DE89370400440532013000", "t");
    s.validate().unwrap();
    let mut n = s.clone();
    n.receiver_type = Some(ReceiverType::Natural);
    n.receiver_first_name = Some("Jan".into());
    assert_field(n.validate(), "receiverLastName");
    let mut l = s.clone();
    l.receiver_first_name = Some("Jan".into());
    assert_field(l.validate(), "receiverType");
    let mut c = s.clone();
    c.currency = Currency::Btc;
    assert_field(c.validate(), "currency");
    let mut i = s.clone();
    i.destination_iban = "DE88370400440532013000".into();
    let e = assert_field(i.validate(), "destinationIban");
    assert!(!e.to_string().contains("370400440532013000"));
    let mut t = s;
    t.transfer_title = "  ".into();
    assert_field(t.validate(), "transferTitle");

    // KYC verification: conditional fields per incomeSource (GH-kyc table).
    let mut k = kyc_verification("PL");
    k.income_source = IncomeSource::BusinessActivity;
    assert_field(k.validate(), "taxId");
    let mut k = kyc_verification("PL");
    k.occupation = None;
    assert_field(k.validate(), "occupation");
    let mut k = kyc_verification("PL");
    k.additional_info = None;
    assert_field(k.validate(), "additionalInfo");

    // Dates and countries: shape and calendar, never echoed.
    let e = assert_field(validate::date("birthDate", "1990-02-30"), "birthDate");
    assert!(!e.to_string().contains("1990"));
    assert_field(validate::country("citizenship", "pl"), "citizenship");
    assert_field(validate::country("citizenship", "UK"), "citizenship");

    // POA: at most 3 files of at most 5 MB, JPEG/PNG/PDF by content.
    let pdf = b"%PDF-1.7\n".to_vec();
    let poa = |files: Vec<FileUpload>| PoaFilesRequest {
        external_user_id: "u1".into(),
        files,
    };
    poa(vec![FileUpload::new("a.pdf", pdf.clone()); 3])
        .validate()
        .unwrap();
    assert_field(
        poa(vec![FileUpload::new("a.pdf", pdf.clone()); 4]).validate(),
        "files",
    );
    assert_field(
        poa(vec![FileUpload::new("a.gif", b"GIF89a".to_vec())]).validate(),
        "files[0]",
    );
}

/// 30-user-money-and-cards.md §3.2 (GH): crypto withdrawal `amount` is typed `number`, example
/// `"amount": 0.005`; §1.3 / 10-partner-operations.md §2.3: exchange `amount` `number`. Swift and
/// Kotlin build requests with `<request>FromJson(json)` ("the request from the API's JSON"),
/// which is `input::json_text` then `input::decode`. The JSON text holds the exact digits
/// (serde_json `arbitrary_precision`), yet a fractional number is refused as "a float for
/// money": the documented body of the call is refused on `amount`, although nothing inexact
/// ever happened on this path (the refusal is right for a JS number or a Python float, which
/// already went through binary floating point, not for JSON text).
#[test]
fn defect_documented_json_body_with_a_fractional_amount_is_refused_by_from_json() {
    let text = r#"{"sourceExternalUserId":"bca65c48-df49-4831-a7b2-de7903321581",
        "currency":"BTC","amount":0.005,"walletAddress":"bc1q","name":"John Doe",
        "walletType":"NON_CUSTODIAL","receiverType":"NATURAL"}"#;
    let req: p100::Result<UserCryptoWithdrawalRequest> = p100::input::decode_json(text, "request");
    let req = req.unwrap_or_else(|e| panic!("documented body refused: {e}"));
    assert_eq!(req.amount.to_string(), "0.005");
    req.validate().unwrap();
    // A host number (a JavaScript number, a Python float, read into the same value) is still
    // refused for money: it went through a binary float.
    let value = p100::input::json_text(text, "json").unwrap();
    let host: p100::Result<UserCryptoWithdrawalRequest> = p100::input::decode(&value, "request");
    assert_eq!(host.unwrap_err().field(), Some("amount"));
    // Text keeps its other checks: a key given twice, an unknown field.
    let twice = r#"{"amount":"1","amount":"1000"}"#;
    let e = p100::input::decode_json::<UserCryptoWithdrawalRequest>(twice, "request");
    assert_eq!(e.unwrap_err().field(), Some("amount"));
}
