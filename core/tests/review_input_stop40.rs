//! Outside review (stop 40) of bad input across the bindings: the core's checks it found
//! missing. Each case was sent before (the sandbox counted it); each is now refused naming its
//! field, before anything is sent.

use p100::models::*;
use p100::validate;
use p100::{Amount, ErrorKind, SecretString};

fn a(s: &str) -> Amount {
    Amount::parse(s).unwrap()
}

#[track_caller]
fn refused(r: p100::Result<()>, field: &str) -> String {
    let e = r.expect_err(&format!("expected a validation error on {field}"));
    assert_eq!(e.kind(), ErrorKind::Validation, "{e}");
    assert_eq!(e.field(), Some(field), "{e}");
    e.to_string()
}

fn withdrawal(address: &str) -> PartnerCryptoWithdrawalRequest {
    serde_json::from_value(serde_json::json!({
        "currency": "eth",
        "amount": "0.01",
        "walletAddress": address,
        "name": "Jan",
        "walletType": "CUSTODIAL",
        "receiverType": "NATURAL",
    }))
    .unwrap()
}

#[test]
fn a_wallet_address_is_visible_ascii_of_at_most_128_characters() {
    let good = "0x52908400098527886E0F7030069857D2E4169EE7";
    withdrawal(good).validate().unwrap();
    withdrawal("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq")
        .validate()
        .unwrap();
    for bad in [
        format!("{good}\n"),
        format!(" {good} "),
        "0x5290 8400".to_string(),
        "0x５２９０".to_string(),
        format!("{good}\u{202e}"),
        "0".repeat(129),
    ] {
        let message = refused(withdrawal(&bad).validate(), "walletAddress");
        // The refused address is not echoed.
        assert!(!message.contains(good), "{message}");
    }
}

#[test]
fn card_limits_are_euro_amounts_and_an_update_sets_at_least_one() {
    let limits = |daily: Option<&str>| UpdateCardLimitsRequest {
        external_user_id: "u-1".into(),
        card_id: "c-1".into(),
        daily_trx_all: daily.map(a),
        ..Default::default()
    };
    limits(Some("100.50")).validate().unwrap();
    limits(Some("0")).validate().unwrap();
    limits(Some("100.500")).validate().unwrap(); // trailing zeros do not count
    refused(limits(Some("100.001")).validate(), "dailyTrxAll");
    refused(limits(Some("-1")).validate(), "dailyTrxAll");
    refused(limits(None).validate(), "limits");
    assert!(validate::card_limit("x", &a("0.01")).is_ok());
}

#[test]
fn a_card_id_in_a_body_follows_the_rule_of_a_card_id_in_a_path() {
    let pin = |card: &str| UpdatePinRequest {
        external_user_id: "u-1".into(),
        card_id: card.into(),
        pin: SecretString::new("4821"),
    };
    pin("2f1c9a4e-5b7d-4c3e-9a8b-1d2e3f4a5b6c")
        .validate()
        .unwrap();
    for bad in ["../../x", "a/b", "c 1", ".."] {
        let message = refused(pin(bad).validate(), "cardId");
        assert!(!message.contains("4821"), "{message}");
    }
    let card = CardRef::new("u-1", "../x");
    refused(card.validate(), "cardId");
}

#[test]
fn a_date_of_birth_is_not_in_the_future_nor_before_1900() {
    validate::birth_date("birthDate", "1990-05-17").unwrap();
    validate::birth_date("birthDate", "1900-01-01").unwrap();
    for bad in ["2990-01-01", "1899-12-31", "1990-02-30", "17.05.1990"] {
        let message = refused(validate::birth_date("birthDate", bad), "birthDate");
        assert!(!message.contains(bad), "{message}");
    }
}
