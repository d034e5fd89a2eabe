//! Outside reviews of stop 47: each test shows a defect of the code before it.

use std::time::Duration;

use p100::client::{decode, Prepared};
use p100::models::SepaTransferCreated;
use p100::transport::HttpResponse;
use p100::{ErrorKind, Outcome};

mod common;

fn reply(status: u16, body: &str) -> HttpResponse {
    HttpResponse {
        status,
        headers: Vec::new(),
        body: body.as_bytes().to_vec(),
    }
}

fn sepa_transfer() -> Prepared {
    Prepared::new(&p100::routes::PARTNER_SEPA_TRANSFER, &[]).unwrap()
}

/// A payout answered 200 with a whole error body that has no P-code was `accepted`: "it
/// happened, do not send it again", while the same body cut short was already `unknown`.
#[test]
fn a_whole_2xx_error_reply_without_a_p_code_is_unknown_after_a_write() {
    for body in [
        r#"{"errorCode":"INSUFFICIENT_FUNDS","errorMessage":"Insufficient funds"}"#,
        r#"{"message":"Insufficient funds","statusCode":400}"#,
        r#"{"error":"Insufficient funds"}"#,
        r#"{"ERRORNAME":"insufficient-funds"}"#,
        r#"{"errors":[{"field":"amount"}]}"#,
        r#"{"statusCode":"422"}"#,
        r#"{"success":false,"message":"Insufficient funds"}"#,
        r#"{"message":"Insufficient funds","status":409}"#,
        "\u{feff}{\"errorMessage\":\"no\"} trailing",
    ] {
        let e = decode::<SepaTransferCreated>(&sepa_transfer(), &reply(200, body)).expect_err(body);
        assert_eq!(e.outcome(), Outcome::Unknown, "{body}: {e}");
        assert_eq!(e.kind(), ErrorKind::Api, "{body}");
        assert!(!e.is_retryable(), "{body}");
        assert!(e.message().contains("reads as an error reply"), "{e}");
        assert!(e.raw_body().is_some(), "{body}");
    }
    // The message is masked as any server text.
    let body = r#"{"errorMessage":"card 4111111111111111 refused"}"#;
    let e = decode::<SepaTransferCreated>(&sepa_transfer(), &reply(200, body)).unwrap_err();
    assert!(!e.to_string().contains("4111111111111111"), "{e}");
}

/// What shows no error, or names what was created, stays `accepted` (the reply of something
/// that happened, unreadable), and a read is never `unknown` for it.
#[test]
fn a_2xx_that_names_no_error_or_names_its_id_stays_accepted() {
    for body in [
        r#"{"foo":1}"#,
        r#"{"error":null,"ok":true}"#,
        r#"{"error":false}"#,
        r#"{"errors":[]}"#,
        r#"{"error":""}"#,
        r#"{"errorCode":"0","errorMessage":"OK"}"#,
        r#"{"errorCode":"OK","errorMessage":"Success"}"#,
        r#"{"error":0,"message":"ok"}"#,
        // A message alone says nothing either way (the diff review: success envelopes).
        r#"{"message":"Transfer created successfully","data":{"transferId":"7fb0"}}"#,
        r#"{"statusCode":201,"message":"Created","data":{"transferId":"7fb0"}}"#,
        r#"{"message":"Transfer queued","transfer":{"id":"7fb0"}}"#,
        r#"{"transferId":"","message":"Transfer queued"}"#,
        r#"{"message":"Insufficient funds"}"#,
        r#"{"data":{"id":"x"},"error":"late"}"#,
        r#"{"errorCode":0.0,"message":"OK"}"#,
        r#"{"statusCode":200}"#,
        r#"{"transferId":"t-1","id":"t-2","error":"late"}"#,
        r#"{"id":"t-1","transferId":"t-2","message":"created"}"#,
        r#"[{"error":"x"}]"#,
    ] {
        let e = decode::<SepaTransferCreated>(&sepa_transfer(), &reply(200, body)).expect_err(body);
        assert_eq!(e.outcome(), Outcome::Accepted, "{body}: {e}");
        assert_eq!(e.kind(), ErrorKind::Decode, "{body}");
    }
    let read = Prepared::new(&p100::routes::PARTNER_BALANCES, &[]).unwrap();
    let e = decode::<p100::models::Balances>(&read, &reply(200, r#"{"error":"x"}"#)).unwrap_err();
    assert_ne!(e.outcome(), Outcome::Unknown, "{e}");
    // The documented 2xx code P211 stays P211's.
    let e = decode::<SepaTransferCreated>(
        &sepa_transfer(),
        &reply(202, r#"{"errorCode":"P211","errorMessage":"POA pending"}"#),
    )
    .unwrap_err();
    assert_eq!(e.code().map(|c| c.to_string()).as_deref(), Some("P211"));
}

fn http(body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A card block (a call whose reply the SDK does not read) answered 200 with an error body
/// without a P-code was a success: the app believed the card blocked.
#[tokio::test]
async fn a_unit_call_answered_2xx_with_an_error_body_is_not_a_success() {
    let card = p100::models::CardRef {
        external_user_id: "u1".into(),
        card_id: "c1".into(),
    };
    for body in [
        r#"{"errorCode":"CARD_NOT_FOUND","errorMessage":"Card not found"}"#,
        r#"{"errorMessage":"Card not found"}"#,
        r#"{"message":"Card not found","statusCode":404}"#,
        r#"{"success":false,"message":"Card not found"}"#,
        r#"{"message":"Card not found","status":404}"#,
    ] {
        let (url, _) = common::peer(http(body), Duration::ZERO).await;
        let client = common::client_at(&url, Duration::from_secs(3));
        let e = client.cards().block(&card).await.expect_err(body);
        assert_eq!(e.outcome(), Outcome::Unknown, "{body}: {e}");
        assert_eq!(e.operation(), Some("cards.block"), "{body}");
    }
    // Through the client, a payout's such reply keeps its fingerprint for reconcile.
    let (url, _) = common::peer(http(r#"{"error":"Insufficient funds"}"#), Duration::ZERO).await;
    let client = common::client_at(&url, Duration::from_secs(3));
    let e = client
        .sepa()
        .partner_transfer(&common::sepa())
        .await
        .unwrap_err();
    assert_eq!(e.outcome(), Outcome::Unknown, "{e}");
    assert!(e.fingerprint().is_some_and(|fp| !fp.accepted), "{e:?}");
    // A success that says so, or says nothing, stays one.
    for body in [
        r#"{"message":"Card blocked"}"#,
        "",
        "{}",
        r#"{"error":null}"#,
        r#"{"error":0,"message":"ok"}"#,
        r#"{"errorCode":"OK","errorMessage":"Success"}"#,
    ] {
        let (url, _) = common::peer(http(body), Duration::ZERO).await;
        let client = common::client_at(&url, Duration::from_secs(3));
        client.cards().block(&card).await.expect(body);
    }
}

/// Outside review (secrets): one-time codes under names text masking did not know.
#[test]
fn one_time_codes_under_their_usual_names_are_masked() {
    for key in [
        "threeDSecureCode",
        "3dsCode",
        "otpCode",
        "verificationCode",
        "smsCode",
        "oneTimeCode",
        "passcode",
        "authCode",
    ] {
        let text = format!(r#"{{"{key}":"918273","cardId":"c1"}}"#);
        let masked = p100::mask::mask_secrets(&text);
        assert!(
            !masked.contains("918273") && masked.contains("c1"),
            "{key}: {masked}"
        );
    }
}

/// Outside review (recovery flow): a fingerprint a Python service stored with its snake_case
/// names did not read back in Node, Kotlin or Swift.
#[test]
fn a_fingerprint_stored_with_snake_case_names_reads_back() {
    let camel = r#"{"operation":"sepa.partner_transfer","amount":"25.00","currency":"eur",
        "destination":"DE89370400440532013000","externalUserId":"u-1","sentAtMs":1700000000000}"#;
    let snake = r#"{"operation":"sepa.partner_transfer","amount":"25.00","currency":"eur",
        "destination":"DE89370400440532013000","external_user_id":"u-1","sent_at_ms":1700000000000}"#;
    let a: p100::Fingerprint = p100::input::decode_json(camel, "Fingerprint").unwrap();
    let b: p100::Fingerprint = p100::input::decode_json(snake, "Fingerprint").unwrap();
    assert_eq!(a, b);
    assert_eq!(b.sent_at_ms, 1_700_000_000_000);
    // Written back, the names are camelCase.
    assert!(serde_json::to_string(&b).unwrap().contains("\"sentAtMs\""));
}

/// The diff review of stop 47: the escape hatch's write answered 2xx with an error body without
/// a P-code returned it as a success (a P-code one was already `unknown`).
#[tokio::test]
async fn the_escape_hatch_s_write_answered_2xx_with_an_error_body_is_unknown() {
    let body = r#"{"errorCode":"INSUFFICIENT_FUNDS","errorMessage":"Insufficient funds"}"#;
    let (url, _) = common::peer(http(body), Duration::ZERO).await;
    let client = common::client_at(&url, Duration::from_secs(3));
    let sent = serde_json::json!({"amount": "1.00"});
    let e = client
        .request("POST", "/v1/partner/sepa-transfer", Some(&sent))
        .await
        .unwrap_err();
    assert_eq!(e.outcome(), Outcome::Unknown, "{e}");
    // A read gets what came.
    let (url, _) = common::peer(http(body), Duration::ZERO).await;
    let client = common::client_at(&url, Duration::from_secs(3));
    let v = client
        .request("GET", "/v1/partner/balances", None)
        .await
        .unwrap();
    assert_eq!(v["errorCode"], "INSUFFICIENT_FUNDS");
}

/// The review of the fixes, stop 47: a refused write whose error DTO has a numeric id (`0`,
/// `-1`) decoded as the operation's reply, a success with id "0".
#[test]
fn an_error_reply_with_a_numeric_id_is_no_success() {
    for body in [
        r#"{"transferId":0,"errorCode":"INSUFFICIENT_FUNDS","errorMessage":"Insufficient funds"}"#,
        r#"{"id":0,"status":400,"error":"Bad Request","message":"Insufficient funds"}"#,
        r#"{"id":-1,"success":false,"message":"Insufficient funds"}"#,
    ] {
        let e = decode::<SepaTransferCreated>(&sepa_transfer(), &reply(200, body)).expect_err(body);
        assert_eq!(e.outcome(), Outcome::Unknown, "{body}: {e}");
    }
    // A number above zero names what was created.
    let ok = decode::<SepaTransferCreated>(
        &sepa_transfer(),
        &reply(200, r#"{"transferId":42,"error":"late"}"#),
    )
    .unwrap();
    assert_eq!(ok.transfer_id, "42");
}
