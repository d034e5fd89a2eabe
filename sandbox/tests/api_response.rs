//! Response metadata on success and per-call extra headers, against the sandbox: the request
//! id the sandbox sent, the status, the attempts after an injected fault, the headers that
//! arrived, and the headers a caller may not set.

mod common;

use common::*;
use p100::{ErrorKind, Outcome, RequestOptions};
use p100_sandbox::FaultSpec;

#[tokio::test]
async fn every_call_can_return_its_metadata() {
    let sb = sandbox().await;
    let c = sb.client();
    let r = c.with_response().partner().balances().await.unwrap();
    assert!(!r.data.fiat_balances.is_empty());
    let last = sb.requests().pop().unwrap();
    assert_eq!(last.path, "/v1/partner/balances");
    assert_eq!(r.response.status, 200);
    assert_eq!(r.response.attempts, 1);
    assert_eq!(
        r.response.request_id.as_deref(),
        Some(last.request_id.as_str())
    );
    assert_eq!(
        r.response.header("x-request-id"),
        Some(last.request_id.as_str())
    );
    assert_eq!(
        r.response.header("content-type"),
        Some("application/json"),
        "{:?}",
        r.response
    );
    assert!(r.response.elapsed > std::time::Duration::ZERO);

    // An injected 500 on a GET: retried, the second attempt succeeds; the metadata is the
    // reply's that succeeded.
    sb.inject(FaultSpec::new("500")).unwrap();
    let (data, meta) = c
        .with_response()
        .partner()
        .balances()
        .await
        .unwrap()
        .into_parts();
    assert!(!data.crypto_balances.is_empty());
    assert_eq!((meta.status, meta.attempts), (200, 2));
    let log = sb.requests();
    let [.., failed, ok] = log.as_slice() else {
        panic!("{log:?}")
    };
    assert_eq!((failed.status, ok.status), (Some(500), Some(200)));
    assert_ne!(failed.request_id, ok.request_id);
    assert_eq!(meta.request_id.as_deref(), Some(ok.request_id.as_str()));

    // A call without a reply body (unit result) and a POST that creates (201 or 200).
    c.users().create(&new_user("meta-1")).await.unwrap();
    let r = c.with_response().users().suspend("meta-1").await.unwrap();
    assert_eq!((r.data, r.response.status), ((), 200));
    // The escape hatch too.
    let r = c
        .with_response()
        .request("GET", "/v1/partner/balances", None)
        .await
        .unwrap();
    assert!(r.data.get("fiatBalances").is_some());
    assert_eq!(
        r.response.request_id.as_deref(),
        Some(sb.requests().pop().unwrap().request_id.as_str())
    );
    // A plain client keeps nothing; a recorded one keeps its last success.
    assert!(c.last_response().is_none());
    let rec = c.recorded();
    rec.exchange().rates().await.unwrap();
    let rates_id = sb.requests().pop().unwrap().request_id;
    assert_eq!(
        rec.last_response().unwrap().request_id.as_deref(),
        Some(rates_id.as_str())
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn concurrent_calls_keep_their_own_metadata() {
    let sb = sandbox().await;
    let c = sb.client();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { c.with_response().exchange().rates().await.unwrap() })
        })
        .collect();
    let mut results = Vec::new();
    for t in tasks {
        results.push(t.await.unwrap());
    }
    let mut ids: Vec<String> = results
        .iter()
        .map(|r| r.response.request_id.clone().unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 8, "each call has its own request id");
    let logged: Vec<String> = sb.requests().into_iter().map(|r| r.request_id).collect();
    assert!(ids.iter().all(|id| logged.contains(id)));
    sb.shutdown().await;
}

#[tokio::test]
async fn extra_headers_arrive_and_credentials_cannot_be_overridden() {
    let sb = sandbox().await;
    let c = sb.client();
    let headers =
        p100::client::check_headers([("X-Correlation-Id", "order-42"), ("x-partner-trace", "t1")])
            .unwrap();
    let per_call = c.with_options(RequestOptions {
        headers,
        ..Default::default()
    });
    // Retried attempts carry them too.
    sb.inject(FaultSpec::new("503")).unwrap();
    per_call.partner().balances().await.unwrap();
    let log = sb.requests();
    assert_eq!(log.len(), 2);
    for r in &log {
        let h = |n: &str| {
            r.headers
                .iter()
                .find(|(k, _)| k == n)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(h("x-correlation-id"), Some("order-42"), "{r:?}");
        assert_eq!(h("x-partner-trace"), Some("t1"));
        assert_eq!(h("x-api-key"), Some("[redacted]"), "the key still arrives");
        assert_eq!(
            r.headers.iter().filter(|(k, _)| k == "x-api-key").count(),
            1
        );
    }
    // The plain client sends none of them.
    c.partner().balances().await.unwrap();
    let last = sb.requests().pop().unwrap();
    assert!(!last.headers.iter().any(|(k, _)| k == "x-correlation-id"));

    // x-api-key, authorization and hop-by-hop headers are refused, naming the field; the key
    // value is never echoed.
    for name in [
        "x-api-key",
        "X-Api-Key",
        "authorization",
        "transfer-encoding",
        "host",
    ] {
        let e = p100::client::check_headers([(name, "other-key-123")]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Validation);
        assert_eq!(e.outcome(), Outcome::NotSent);
        assert_eq!(
            e.field().unwrap(),
            format!("headers.{}", name.to_ascii_lowercase())
        );
        assert!(!e.to_string().contains("other-key-123"));
    }
    // Given unchecked to with_options, a reserved header is left out: the client's key wins.
    let sneaky = c.with_options(RequestOptions {
        headers: vec![("x-api-key".into(), "other-key".into())],
        ..Default::default()
    });
    sneaky.partner().balances().await.unwrap();
    sb.shutdown().await;
}

/// Outside review, stop 47: a card number typed into an id reached the request log (and
/// `--log`'s stderr line) in clear, where the SDK's own log shows only its last 4 digits.
#[tokio::test]
async fn the_request_log_masks_a_card_number_in_a_path() {
    let sb = sandbox().await;
    let c = sb.client();
    let _ = c.users().balances("4929123456781234").await;
    let last = sb.requests().pop().unwrap();
    assert!(!last.path.contains("4929123456781234"), "{}", last.path);
    assert!(last.path.ends_with("1234/balances"), "{}", last.path);
}
