//! From an outside review: webhook bodies that were parsed as another event kind, in ways that
//! matter for money (each test failed on the code before its fix). Each test's comment says
//! what used to happen.

use p100::webhooks::parse_event;

fn name(body: &str) -> &'static str {
    parse_event(body).unwrap().name()
}

/// collection (credits the partner) for money that left to an external wallet.
#[test]
fn a_user_crypto_withdrawal_with_wallet_address_is_a_withdrawal_not_a_transfer() {
    let body = r#"{"id":"w-1","sourceExternalUserId":"u-1","amount":0.005,"currency":"btc",
        "walletAddress":"bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh","network":"bitcoin",
        "status":"SUCCESSFUL","createdAt":"2025-03-20T11:34:37.646Z"}"#;
    let e = parse_event(body).unwrap();
    assert_eq!(e.name(), "crypto_withdrawal", "{e:?}");
}

/// that names the credited account's IBAN `destinationIban`.
#[test]
fn a_sepa_deposit_with_a_title_or_destination_iban_is_a_deposit() {
    let with_title = r#"{"id":"d-1","type":"deposit","externalUserId":"u-1","amount":"100.00",
        "currency":"eur","senderIban":"DE89370400440532013000","senderName":"Jane Doe",
        "transferTitle":"REF-123","status":"SUCCESSFUL"}"#;
    assert_eq!(
        name(with_title),
        "sepa_deposit",
        "{:?}",
        parse_event(with_title)
    );
    let with_dest = r#"{"id":"d-2","externalUserId":"u-1","amount":"100.00","currency":"eur",
        "senderIban":"DE89370400440532013000","senderName":"Jane Doe",
        "destinationIban":"LT333130010135556427","status":"COMPLETED"}"#;
    assert_eq!(
        name(with_dest),
        "sepa_deposit",
        "{:?}",
        parse_event(with_dest)
    );
}

/// the `senderIban` field that detect() would have used.
#[test]
fn sepa_deposit_event_types_with_dots_or_camel_case_are_deposits() {
    for t in [
        "sepa.deposit.received",
        "sepaDeposit",
        "SepaDepositReceived",
    ] {
        let body = format!(
            r#"{{"event_type":"{t}","data":{{"id":"d-1","externalUserId":"u-1","amount":"100.00",
            "currency":"eur","senderIban":"DE89370400440532013000","status":"SUCCESSFUL"}}}}"#
        );
        assert_eq!(name(&body), "sepa_deposit", "{t}: {:?}", parse_event(&body));
    }
}

/// Unknown("FAILED")); the refund to the user is never handled as a withdrawal failure.
#[test]
fn a_failed_withdrawal_event_type_with_a_user_prefix_is_a_withdrawal() {
    for t in [
        "user.crypto.withdrawal.failed",
        "user.cryptoWithdrawal.failed",
    ] {
        let body = format!(
            r#"{{"event_type":"{t}","data":{{"id":"w-1","externalUserId":"u-1","amount":"0.5",
            "currency":"eth","status":"FAILED"}}}}"#
        );
        assert_eq!(
            name(&body),
            "crypto_withdrawal",
            "{t}: {:?}",
            parse_event(&body)
        );
    }
}

/// the amount and merchant: a payment still being authenticated is booked as done.
#[test]
fn three_ds_event_types_written_otp_or_camel_case_are_3ds_codes() {
    for t in ["card.otp", "card.threeDs.code"] {
        let body = format!(
            r#"{{"event_type":"{t}","data":{{"cardId":"c-1","code":"482913","amount":"12.00",
            "currency":"eur","merchantName":"Shop"}}}}"#
        );
        assert_eq!(
            name(&body),
            "card_3ds_code",
            "{t}: {:?}",
            parse_event(&body)
        );
    }
}

/// a 3-D Secure code event: the spending never appears as a card transaction.
#[test]
fn a_card_transaction_with_an_auth_code_is_a_transaction() {
    let body = r#"{"transactionId":"tx-1","cardId":"c-1","amount":"49.90","currency":"eur",
        "merchantName":"Shop","status":"DECLINED","code":"51"}"#;
    assert_eq!(name(body), "card_transaction", "{:?}", parse_event(body));
}
