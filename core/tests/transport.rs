//! Transport behaviour against a local HTTP mock (wiremock on 127.0.0.1): retries, timeouts,
//! error mapping, decode failures, validation before sending.

use std::time::{Duration, Instant};

use p100::models::*;
use p100::{
    Amount, Client, Currency, ErrorCode, ErrorKind, Outcome, RetryPolicy, SecretString, WaitOptions,
};
use serde_json::json;
use wiremock::matchers::{header, header_exists, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "test-key-123";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .retry_policy(RetryPolicy {
            max_retries: 2,
            initial_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
        })
        .build()
        .unwrap()
}

fn balances_body() -> serde_json::Value {
    json!({"fiatBalances": [{"id": "f1", "amount": "10.00", "name": "eur", "rate": 1, "iban": null, "status": "ACTIVE"}],
           "cryptoBalances": []})
}

fn sepa_request() -> UserSepaTransferRequest {
    UserSepaTransferRequest {
        source_external_user_id: "user-1".into(),
        amount: Amount::parse("12.5").unwrap(),
        currency: Currency::Eur,
        destination_iban: "DE89370400440532013000".into(),
        transfer_title: "Invoice 1".into(),
        ..Default::default()
    }
}

async fn received(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test]
async fn sends_lowercase_api_key_and_decodes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/partner/balances"))
        .and(header("x-api-key", KEY))
        .respond_with(ResponseTemplate::new(200).set_body_json(balances_body()))
        .mount(&server)
        .await;
    let b = client(&server).partner().balances().await.unwrap();
    assert_eq!(b.fiat_balances[0].amount.to_string(), "10.00");
    let reqs = server.received_requests().await.unwrap();
    assert!(reqs[0].headers.contains_key("x-api-key"));
}

#[tokio::test]
async fn get_is_retried_after_503() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/partner/balances"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/partner/balances"))
        .respond_with(ResponseTemplate::new(200).set_body_json(balances_body()))
        .with_priority(2)
        .mount(&server)
        .await;
    let b = client(&server).partner().balances().await.unwrap();
    assert_eq!(b.fiat_balances.len(), 1);
    assert_eq!(received(&server).await, 2);
}

#[tokio::test]
async fn get_gives_up_after_max_retries_with_unavailable() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let e = client(&server).partner().balances().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unavailable);
    assert_eq!(e.status(), Some(500));
    assert!(e.is_retryable());
    assert_eq!(received(&server).await, 3, "1 attempt + 2 retries");
}

#[tokio::test]
async fn get_is_retried_after_429_honouring_retry_after() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(balances_body()))
        .with_priority(2)
        .mount(&server)
        .await;
    let started = Instant::now();
    client(&server).partner().balances().await.unwrap();
    // The backoff alone is ≤ 50 ms here: having waited ≥ 1 s proves Retry-After was honoured.
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(received(&server).await, 2);
}

#[tokio::test]
async fn rate_limit_error_carries_retry_after() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .mount(&server)
        .await;
    let e = client(&server).partner().balances().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    assert_eq!(e.retry_after(), Some(Duration::ZERO));
    assert_eq!(received(&server).await, 3);
}

#[tokio::test]
async fn money_post_is_not_retried_after_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/sepa-transfer"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"transferId": "t1"}))
                .set_delay(Duration::from_millis(1500)),
        )
        .mount(&server)
        .await;
    let c = Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .timeout(Duration::from_millis(200))
        .retry_policy(RetryPolicy {
            max_retries: 3,
            initial_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
        })
        .build()
        .unwrap();
    let e = c.sepa().user_transfer(&sepa_request()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert!(!e.is_retryable());
    assert!(e.message().contains("details endpoint"), "{}", e.message());
    assert_eq!(
        received(&server).await,
        1,
        "an ambiguous money call must not be repeated"
    );
}

#[tokio::test]
async fn money_post_is_not_retried_after_500() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let e = client(&server)
        .sepa()
        .user_transfer(&sepa_request())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unavailable);
    assert!(!e.is_retryable());
    assert_eq!(received(&server).await, 1);
}

#[tokio::test]
async fn money_post_is_retried_after_429() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"transferId": "t9"})))
        .with_priority(2)
        .mount(&server)
        .await;
    let r = client(&server)
        .sepa()
        .user_transfer(&sepa_request())
        .await
        .unwrap();
    assert_eq!(r.transfer_id, "t9");
    assert_eq!(received(&server).await, 2);
}

#[tokio::test]
async fn post_is_retried_after_connection_refused() {
    // Reserve a port, free it (connections are now refused), and start the mock on it only
    // after the first attempt has failed.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let c = Client::builder()
        .api_key(KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry_policy(RetryPolicy {
            max_retries: 2,
            initial_delay: Duration::from_millis(600),
            max_delay: Duration::from_millis(600),
        })
        .build()
        .unwrap();
    let starter = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let listener = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
        let server = MockServer::builder().listener(listener).start().await;
        Mock::given(method("POST"))
            .and(path("/v1/sepa-transfer"))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({"transferId": "t2"})))
            .mount(&server)
            .await;
        server
    });
    let result = c.sepa().user_transfer(&sepa_request()).await;
    let server = starter.await.unwrap();
    assert_eq!(result.unwrap().transfer_id, "t2");
    assert_eq!(received(&server).await, 1);
}

#[tokio::test]
async fn connection_refused_without_server_is_a_network_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let c = Client::builder()
        .api_key(KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .max_retries(0)
        .build()
        .unwrap();
    let e = c.partner().balances().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network);
    assert!(e.is_retryable());
    assert!(!e.to_string().contains(KEY));
}

#[tokio::test]
async fn access_denied_xo1_and_xo2_are_authentication_errors() {
    for (body, marker) in [("Access Denied. xo1", "xo1"), ("Access Denied. xo2", "xo2")] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(401).set_body_string(body))
            .mount(&server)
            .await;
        let e = client(&server).partner().balances().await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Authentication);
        assert_eq!(e.status(), Some(401));
        assert!(e.message().contains(marker));
        assert!(!e.is_retryable());
        assert!(!format!("{e:?} {e}").contains(KEY));
        assert_eq!(received(&server).await, 1, "401 is not retried");
    }
}

#[tokio::test]
async fn p_codes_are_mapped() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/user/u1/balances"))
        .respond_with(
            ResponseTemplate::new(400)
                .insert_header("x-request-id", "req-77")
                .set_body_json(json!({"errorCode": "P412", "errorName": "invalid-user", "errorMessage": "User does not exist"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/transfer"))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            json!({"errorCode": "P403", "errorMessage": "currency must be one of the following values: btc, eth, usdt."}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/card/details/u1/c1"))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            json!({"errorCode": "P501", "errorMessage": "Service temporarily unavailable"}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/card/all/u1"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(json!({"errorCode": "P777", "errorName": "brand-new"})),
        )
        .mount(&server)
        .await;
    let c = client(&server);

    let e = c.users().balances("u1").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Api);
    assert_eq!(e.code(), Some(&ErrorCode::P412));
    assert_eq!(e.error_name(), Some("invalid-user"));
    assert_eq!(e.request_id(), Some("req-77"));
    assert_eq!(e.status(), Some(400));
    assert!(e.raw_body().unwrap().contains("P412"));

    let e = c
        .transfers()
        .create(&TransferRequest::fund("u1", Amount::from(5), Currency::Eur))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation);
    assert_eq!(e.code(), Some(&ErrorCode::P403));
    assert_eq!(e.field(), Some("currency"));

    let e = c.cards().details("u1", "c1").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unavailable);
    assert_eq!(e.code(), Some(&ErrorCode::P501));

    let e = c.cards().list("u1").await.unwrap_err();
    assert_eq!(e.code(), Some(&ErrorCode::Unknown("P777".into())));
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_with_the_raw_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"fiatBalances\": [tru"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_string("<html>ok</html>"))
        .mount(&server)
        .await;
    let c = client(&server);
    let e = c.partner().balances().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode);
    assert_eq!(e.raw_body(), Some("{\"fiatBalances\": [tru"));
    // A 2xx arrived: outcome accepted, but a read says nothing about sending again.
    assert_eq!(e.outcome(), Outcome::Accepted);
    assert!(!e.message().contains("do not send"), "{}", e.message());

    let e = c.sepa().user_transfer(&sepa_request()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode);
    assert!(e.accepted(), "a 2xx on a money call means accepted");
    assert_eq!(e.raw_body(), Some("<html>ok</html>"));
    assert!(e.message().contains("accepted"));
    assert_eq!(received(&server).await, 2, "decode errors are not retried");
}

#[tokio::test]
async fn get_timeout_is_retried_then_reported() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(balances_body())
                .set_delay(Duration::from_secs(2)),
        )
        .mount(&server)
        .await;
    let c = Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .timeout(Duration::from_millis(100))
        .retry_policy(RetryPolicy {
            max_retries: 1,
            initial_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(1),
        })
        .build()
        .unwrap();
    let e = c.partner().balances().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert!(e.is_retryable());
    assert_eq!(received(&server).await, 2);
}

#[tokio::test]
async fn per_call_options_override_the_client() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let c = client(&server).with_options(p100::RequestOptions {
        max_retries: Some(0),
        ..Default::default()
    });
    c.partner().balances().await.unwrap_err();
    assert_eq!(received(&server).await, 1);
}

#[tokio::test]
async fn bad_input_sends_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"transferId": "x"})))
        .mount(&server)
        .await;
    let c = client(&server);
    let mut req = sepa_request();
    req.destination_iban = "DE89370400440532013001".into();
    let e = c.sepa().user_transfer(&req).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation);
    assert_eq!(e.field(), Some("destinationIban"));

    let e = c
        .cards()
        .create(&CreateCardRequest {
            external_user_id: "u1".into(),
            label: "Shopping".into(),
            pin: SecretString::new("12345"),
        })
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("pin"));
    assert!(!e.to_string().contains("12345"));

    let e = c.users().balances("").await.unwrap_err();
    assert_eq!(e.field(), Some("externalUserId"));
    let e = c.users().balances("../partner").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation);
    assert_eq!(received(&server).await, 0);
}

#[tokio::test]
async fn escape_hatch_sends_with_auth_and_maps_errors() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/new/thing"))
        .and(header_exists("x-api-key"))
        .and(header("content-type", "application/json"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"ok": true, "n": 1.50}"#, "application/json"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/missing"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(
                json!({"errorCode": "P428", "errorName": "sepa-transfer-not-found"}),
            ),
        )
        .mount(&server)
        .await;
    let c = client(&server);
    let v = c
        .request("post", "/v1/new/thing", Some(&json!({"a": 1})))
        .await
        .unwrap();
    assert_eq!(v["ok"], json!(true));
    assert_eq!(v["n"].to_string(), "1.50", "numbers keep their text");
    let e = c.request("GET", "/v1/missing", None).await.unwrap_err();
    assert_eq!(e.code(), Some(&ErrorCode::P428));
    assert_eq!(e.status(), Some(404));
    assert!(c.request("PUT", "/v1/x", None).await.is_err());
    assert!(c.request("GET", "https://evil/v1", None).await.is_err());
}

#[tokio::test]
async fn wait_for_polls_until_final() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/sepa-transfer/details/t1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "t1", "amount": "12.50", "status": "PENDING"})),
        )
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/sepa-transfer/details/t1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "t1", "amount": "12.50", "status": "successful"})),
        )
        .with_priority(2)
        .mount(&server)
        .await;
    let c = client(&server);
    let opts = WaitOptions {
        timeout: Duration::from_secs(10),
        interval: Duration::from_millis(10),
        max_interval: Duration::from_millis(20),
    };
    let d = c.sepa().wait_for("t1", opts).await.unwrap();
    assert!(d.status.is_success());
    assert_eq!(received(&server).await, 3);

    // A deadline that passes gives a Timeout error naming the last status.
    let server2 = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "t1", "amount": "1", "status": "PENDING"})),
        )
        .mount(&server2)
        .await;
    let e = client(&server2)
        .sepa()
        .wait_for(
            "t1",
            WaitOptions {
                timeout: Duration::from_millis(50),
                ..opts
            },
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert!(e.message().contains("PENDING"), "{}", e.message());
}

#[test]
fn debug_of_client_and_config_hides_the_key() {
    let c = Client::new("super-secret-key", "http://127.0.0.1:1").unwrap();
    let dbg = format!("{c:?} {:?}", c.config());
    assert!(!dbg.contains("super-secret-key"));
    assert!(dbg.contains("REDACTED"));
}

#[test]
fn from_env_vars_reads_key_environment_and_url() {
    let get = |vars: &'static [(&'static str, &'static str)]| {
        move |k: &str| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    };
    let c = Client::from_env_vars(get(&[
        ("P100_API_KEY", "k"),
        ("P100_ENVIRONMENT", "production"),
    ]))
    .unwrap();
    assert_eq!(c.config().base_url(), "https://partner-api.p100.io");
    let c = Client::from_env_vars(get(&[("P100_API_KEY", "k")])).unwrap();
    assert_eq!(c.config().base_url(), "https://partner-api-stage.p100.io");
    let c = Client::from_env_vars(get(&[
        ("P100_API_KEY", "k"),
        ("P100_BASE_URL", "http://127.0.0.1:9"),
    ]))
    .unwrap();
    assert_eq!(c.config().base_url(), "http://127.0.0.1:9");
    assert_eq!(
        Client::from_env_vars(get(&[])).unwrap_err().kind(),
        ErrorKind::Config
    );
    assert!(
        Client::from_env_vars(get(&[("P100_API_KEY", "k"), ("P100_ENVIRONMENT", "mars")])).is_err()
    );
    // Only the two documented names, in any case: no guess picks production (`prod`, `live`),
    // and `sandbox`/`test` (which read as the local sandbox) do not quietly mean staging.
    let c = Client::from_env_vars(get(&[
        ("P100_API_KEY", "k"),
        ("P100_ENVIRONMENT", "PRODUCTION"),
    ]))
    .unwrap();
    assert_eq!(c.config().base_url(), "https://partner-api.p100.io");
    for name in ["prod", "live", "sandbox", "test", "stage"] {
        let vars: &'static [(&'static str, &'static str)] = match name {
            "prod" => &[("P100_API_KEY", "k"), ("P100_ENVIRONMENT", "prod")],
            "live" => &[("P100_API_KEY", "k"), ("P100_ENVIRONMENT", "live")],
            "sandbox" => &[("P100_API_KEY", "k"), ("P100_ENVIRONMENT", "sandbox")],
            "test" => &[("P100_API_KEY", "k"), ("P100_ENVIRONMENT", "test")],
            _ => &[("P100_API_KEY", "k"), ("P100_ENVIRONMENT", "stage")],
        };
        let e = Client::from_env_vars(get(vars)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config, "{name}");
        assert_eq!(e.field(), Some("P100_ENVIRONMENT"), "{name}");
        assert!(e.to_string().contains("base URL"), "{e}");
    }
}

#[tokio::test]
async fn redirects_are_not_followed_so_the_key_stays_home() {
    let elsewhere = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"transferId": "stolen"})))
        .mount(&elsewhere)
        .await;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("Location", format!("{}/v1/sepa-transfer", elsewhere.uri())),
        )
        .mount(&server)
        .await;
    let e = client(&server)
        .sepa()
        .user_transfer(&sepa_request())
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(307));
    assert!(!e.is_retryable());
    // Not "rejected": the transfer may have been processed before the redirect.
    assert_eq!(e.outcome(), p100::Outcome::Unknown);
    assert_eq!(
        received(&elsewhere).await,
        0,
        "the key and the body must not follow a redirect"
    );
}

#[tokio::test]
async fn a_redirect_after_a_write_is_an_unknown_outcome_and_after_a_read_a_rejection() {
    let server = MockServer::start().await;
    let see_other =
        ResponseTemplate::new(303).insert_header("Location", "/v1/sepa-transfer/details/t-1");
    Mock::given(method("POST"))
        .respond_with(see_other.clone())
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(see_other)
        .mount(&server)
        .await;
    let c = client(&server);
    let e = c.sepa().user_transfer(&sepa_request()).await.unwrap_err();
    assert_eq!(
        (e.status(), e.outcome()),
        (Some(303), p100::Outcome::Unknown),
        "{e:?}"
    );
    assert!(
        e.fingerprint().is_some(),
        "a money call that may have happened keeps its fingerprint"
    );
    let read = c.partner().balances().await.unwrap_err();
    assert_eq!(
        (read.status(), read.outcome()),
        (Some(303), p100::Outcome::Rejected),
        "{read:?}"
    );
}

#[tokio::test]
async fn a_sepa_transfer_sends_the_iban_it_checked_without_spaces_and_the_amount_in_cents() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"transferId": "t1"})))
        .mount(&server)
        .await;
    let request = UserSepaTransferRequest {
        destination_iban: "DE89 3704 0044 0532 0130 00".into(),
        ..sepa_request()
    };
    client(&server)
        .sepa()
        .user_transfer(&request)
        .await
        .unwrap();
    let sent = &server.received_requests().await.unwrap()[0];
    let body: serde_json::Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(body["destinationIban"], "DE89370400440532013000");
    assert_eq!(body["amount"], "12.50");
}

#[tokio::test]
async fn an_absurd_retry_after_does_not_panic() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(429).insert_header("Retry-After", "99999999999999999999"),
        )
        .mount(&server)
        .await;
    let c = client(&server).with_options(p100::RequestOptions {
        max_retries: Some(0),
        ..Default::default()
    });
    let e = c.partner().balances().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::RateLimited);
    assert!(e.retry_after().unwrap() >= Duration::from_secs(60));
}

#[tokio::test]
async fn card_secrets_never_reach_the_raw_body_of_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/card/virtual"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"cardId": "c7", "cardNumber": "4111111111111111", "cvv": "123", "exp": {"m": 1}}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let e = client(&server)
        .cards()
        .create(&CreateCardRequest {
            external_user_id: "u1".into(),
            label: "Shopping".into(),
            pin: SecretString::new("1234"),
        })
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode);
    assert!(e.accepted());
    let raw = e.raw_body().unwrap();
    assert!(
        !raw.contains("4111111111111111") && !raw.contains("\"123\""),
        "{raw}"
    );
    assert!(
        raw.contains("\"cardId\": \"c7\""),
        "the id is kept byte for byte: {raw}"
    );
}

// ----- the caller's abort (AbortSignal through RequestOptions) ---------------------------------

fn aborting(server: &MockServer, signal: &p100::AbortSignal) -> Client {
    client(server).with_options(p100::RequestOptions {
        abort: Some(signal.clone()),
        ..Default::default()
    })
}

/// A SEPA transfer whose signal is aborted after `ms`: its error and how long the call took.
async fn transfer_aborted_after(server: &MockServer, ms: u64) -> (p100::Error, Duration) {
    let signal = p100::AbortSignal::new();
    let s = signal.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(ms)).await;
        s.abort();
    });
    let started = Instant::now();
    let e = aborting(server, &signal)
        .sepa()
        .user_transfer(&sepa_request())
        .await
        .unwrap_err();
    (e, started.elapsed())
}

#[tokio::test]
async fn an_aborted_signal_sends_nothing() {
    let server = MockServer::start().await;
    let signal = p100::AbortSignal::new();
    signal.abort();
    let e = aborting(&server, &signal)
        .sepa()
        .user_transfer(&sepa_request())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Aborted);
    assert_eq!(e.outcome(), Outcome::NotSent);
    assert!(e.fingerprint().is_none());
    assert_eq!(received(&server).await, 0);
}

/// A logger that aborts the call's signal at its "sending" record (a JS logger does it
/// synchronously): nothing of the attempt had left, so the call is `not_sent` (it was
/// `unknown`: bindings-wasm/tests/review_cancel.test.mjs found it).
#[tokio::test]
async fn a_signal_aborted_by_the_sending_record_sends_nothing() {
    struct AbortAtSending(p100::AbortSignal);
    impl p100::log::Logger for AbortAtSending {
        fn log(&self, r: &p100::log::LogRecord) {
            if r.outcome == p100::log::AttemptOutcome::Sending {
                self.0.abort();
            }
        }
    }
    let server = MockServer::start().await;
    let signal = p100::AbortSignal::new();
    let c = Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .log_level(Some(p100::log::LogLevel::Debug))
        .logger(std::sync::Arc::new(AbortAtSending(signal.clone())))
        .build()
        .unwrap();
    let e = c
        .with_options(p100::RequestOptions {
            abort: Some(signal),
            ..Default::default()
        })
        .sepa()
        .user_transfer(&sepa_request())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Aborted);
    assert_eq!(e.outcome(), Outcome::NotSent, "{e}");
    assert!(e.fingerprint().is_none());
    assert_eq!(received(&server).await, 0);
}

#[tokio::test]
async fn aborting_a_money_call_in_flight_says_it_may_have_happened() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"transferId": "t1"}))
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    let (e, took) = transfer_aborted_after(&server, 200).await;
    assert!(
        took < Duration::from_secs(3),
        "the abort did not stop the wait"
    );
    assert_eq!(e.kind(), ErrorKind::Aborted);
    assert_eq!(e.outcome(), Outcome::Unknown, "{e}");
    assert!(!e.is_retryable());
    assert_eq!(
        e.fingerprint().map(|f| f.operation.as_str()),
        Some("sepa.user_transfer")
    );
    assert_eq!(received(&server).await, 1);
}

#[tokio::test]
async fn aborting_while_waiting_to_retry_stops_the_retries() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "5"))
        .mount(&server)
        .await;
    let (e, took) = transfer_aborted_after(&server, 300).await;
    assert!(
        took < Duration::from_secs(3),
        "the abort did not cut the backoff"
    );
    assert_eq!(e.kind(), ErrorKind::Aborted);
    // The one attempt was refused (429): nothing happened.
    assert_eq!(e.outcome(), Outcome::NotSent);
    assert_eq!(received(&server).await, 1);
}

#[tokio::test]
async fn a_signal_never_aborted_changes_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(balances_body()))
        .mount(&server)
        .await;
    let b = aborting(&server, &p100::AbortSignal::new())
        .partner()
        .balances()
        .await
        .unwrap();
    assert_eq!(b.fiat_balances.len(), 1);
}
