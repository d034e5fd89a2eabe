//! Outside reviews of stop 46: each test shows a defect of the code before it.

use p100::client::{error_from_response, Prepared};
use p100::transport::HttpResponse;

fn p403(prepared: &Prepared, message: &str) -> Option<String> {
    let body = serde_json::json!({"errorCode": "P403", "errorMessage": message}).to_string();
    let reply = HttpResponse {
        status: 400,
        headers: Vec::new(),
        body: body.into_bytes(),
    };
    error_from_response(prepared, &reply)
        .field()
        .map(str::to_string)
}

/// A P403's field was its text's first word, whatever it was: "Invalid IBAN provided" gave the
/// field `Invalid`, "The field destinationIban is invalid" the field `The`.
#[test]
fn a_p403_names_a_field_only_when_the_call_sent_it() {
    let sepa = Prepared::new(&p100::routes::PARTNER_SEPA_TRANSFER, &[])
        .unwrap()
        .json(&serde_json::json!({
            "amount": "1.00", "currency": "eur", "destinationIban": "DE89370400440532013000",
            "transferTitle": "t", "recipient": {"name": "Jan"}
        }))
        .unwrap();
    assert_eq!(p403(&sepa, "Invalid IBAN provided"), None);
    assert_eq!(p403(&sepa, "Validation failed"), None);
    assert_eq!(
        p403(&sepa, "The field destinationIban is invalid").as_deref(),
        Some("destinationIban")
    );
    assert_eq!(
        p403(&sepa, "currency must be one of: eur").as_deref(),
        Some("currency")
    );
    assert_eq!(p403(&sepa, "'name' is required").as_deref(), Some("name"));
    // A query parameter counts too.
    let quote = Prepared::new(&p100::routes::PARTNER_EXCHANGE_LOCK, &[]).unwrap();
    let quote = Prepared {
        path: format!("{}?from=eur&to=btc&amount=10", quote.path),
        ..quote
    };
    assert_eq!(
        p403(&quote, "amount is below the minimum").as_deref(),
        Some("amount")
    );
}

/// A field the call left out is still named when the text starts with it.
#[test]
fn a_p403_about_a_missing_field_names_it() {
    let sepa = Prepared::new(&p100::routes::PARTNER_SEPA_TRANSFER, &[])
        .unwrap()
        .json(&serde_json::json!({"currency": "eur"}))
        .unwrap();
    assert_eq!(p403(&sepa, "amount is required").as_deref(), Some("amount"));
    assert_eq!(p403(&sepa, "the amount is required").as_deref(), None);
    assert_eq!(
        p403(&sepa, "missing: transferTitle").as_deref(),
        None,
        "`missing` is no field"
    );
}

/// The review of this stop's diff: a dotted path, a field named first but not sent, a first
/// word in upper case, a short query parameter later in the text.
#[test]
fn a_p403_field_is_read_from_the_first_word_first() {
    let sepa = Prepared::new(&p100::routes::PARTNER_SEPA_TRANSFER, &[])
        .unwrap()
        .json(&serde_json::json!({"currency": "eur", "recipient": {"name": "Jan"}}))
        .unwrap();
    assert_eq!(
        p403(&sepa, "recipient.name must be shorter than 70").as_deref(),
        Some("recipient.name")
    );
    assert_eq!(
        p403(&sepa, "transferTitle is required when currency is eur").as_deref(),
        Some("transferTitle")
    );
    assert_eq!(
        p403(&sepa, "each value in recipient must be text").as_deref(),
        Some("recipient")
    );
    let lock = Prepared::new(&p100::routes::PARTNER_EXCHANGE_LOCK, &[]).unwrap();
    let lock = Prepared {
        path: format!("{}?from=eur&to=btc&amount=10", lock.path),
        ..lock
    };
    assert_eq!(
        p403(&lock, "Amount is below the minimum to exchange").as_deref(),
        Some("amount")
    );
}

/// A lower-case sentence names no field (review of the fixes): "insufficient funds" gave the
/// field `insufficient`.
#[test]
fn a_p403_sentence_in_lower_case_names_no_field() {
    let sepa = Prepared::new(&p100::routes::PARTNER_SEPA_TRANSFER, &[])
        .unwrap()
        .json(&serde_json::json!({"currency": "eur"}))
        .unwrap();
    assert_eq!(p403(&sepa, "insufficient funds"), None);
    assert_eq!(p403(&sepa, "user not found"), None);
    assert_eq!(
        p403(&sepa, "de89370400440532013000 is not a valid IBAN"),
        None
    );
    assert_eq!(
        p403(&sepa, "amount must be positive").as_deref(),
        Some("amount")
    );
}
