//! Outside review of bad input (stop 50): each test shows one defect of the code before it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::{stderr, Sandbox};

/// `--json` turned every number with a fraction into text before decoding: a `transferTitle`
/// of `0.5` and a `cardId` of `1.5` were sent. Both are refused now, naming the field, and
/// nothing reaches the sandbox; an amount written as a number still goes out exactly.
#[test]
fn a_number_for_a_text_field_in_json_is_refused_before_sending() {
    let sb = Sandbox::start();
    let to = r#""currency": "eur", "destinationIban": "DE89370400440532013000""#;
    let title = format!(r#"{{"amount": "10", {to}, "transferTitle": 0.5}}"#);
    let o = sb.p100_stdin(
        &["call", "sepa", "partner-transfer", "--json", "-"],
        Some(&title),
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("transferTitle"), "{err}");
    assert_eq!(sb.ops("sepa.partner_transfer"), 0, "nothing sent: {err}");

    let card = r#"{"externalUserId": "u1", "cardId": 1.5}"#;
    let o = sb.p100_stdin(&["call", "cards", "block", "--json", "-"], Some(card));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("cardId: expected a string"), "{err}");
    assert_eq!(sb.ops("cards.block"), 0, "nothing sent: {err}");

    // An id given as another JSON value was said to be missing ("is required").
    let o = sb.p100(&[
        "call",
        "cards",
        "block",
        "--external-user-id",
        "u1",
        "--card-id",
        "true",
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("cardId") && !err.contains("required"), "{err}");

    // The exact text of an amount written as a number is what the sandbox books.
    let exact = format!(r#"{{"amount": 0.5, {to}, "transferTitle": "t"}}"#);
    let o = sb.p100_stdin(
        &["call", "sepa", "partner-transfer", "--json", "-"],
        Some(&exact),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let sent: serde_json::Value = serde_json::from_str(&common::stdout(&o)).unwrap();
    let id = sent["transferId"].as_str().unwrap();
    let o = sb.p100(&["call", "sepa", "details", "--transfer-id", id]);
    let details: serde_json::Value = serde_json::from_str(&common::stdout(&o)).unwrap();
    assert_eq!(
        details["amount"].to_string().trim_matches('"'),
        "0.50",
        "{details}"
    );
}

/// `p100 reconcile`: a fingerprint refused before anything is sent (an unknown operation) is a
/// usage error (2), and a history over `--max-response-bytes` is 1 without the history's body;
/// both were 4 ("may have happened") once reconcile's errors took the reconciled call's
/// outcome (the diff review, stop 50). `--max-response-bytes` out of range is a usage error.
#[test]
fn reconcile_errors_exit_as_usage_or_failure_and_the_limit_is_a_flag() {
    let sb = Sandbox::start();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let fp = |operation: &str| {
        format!(
            r#"{{"operation":"{operation}","amount":"1.00","currency":"eur","destination":"DE89370400440532013000","sentAtMs":{},"title":"t"}}"#,
            now - 1_000
        )
    };
    let o = sb.p100(&["reconcile", "--fingerprint", &fp("no.such_operation")]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("operation"), "{err}");

    let good = fp("sepa.partner_transfer");
    let limited = |limit: &str| {
        sb.p100(&[
            "reconcile",
            "--fingerprint",
            &good,
            "--max-response-bytes",
            limit,
        ])
    };
    let o = limited("16");
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("larger than the limit of 16 bytes"), "{err}");
    assert!(!err.contains("the reply as received"), "{err}");
    assert!(o.stdout.is_empty(), "{}", common::stdout(&o));

    let o = limited("0");
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("max-response-bytes: must be between 1 and"),
        "{err}"
    );
    let o = limited("1MB");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = limited("65536");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// `--max-response-bytes` is an option of `call` too: before the fields it limits the reply,
/// after them it is named as an option, not taken for a field.
#[test]
fn the_reply_limit_of_a_call_is_an_option_not_a_field() {
    let sb = Sandbox::start();
    let o = sb.p100(&["call", "--max-response-bytes", "16", "partner", "balances"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("larger than the limit of 16 bytes"), "{err}");
    let o = sb.p100(&[
        "call",
        "sepa",
        "partner-transfer",
        "--amount",
        "1",
        "--max-response-bytes",
        "16",
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("is an option of the command"), "{err}");
    assert_eq!(sb.ops("sepa.partner_transfer"), 0, "{err}");
}
