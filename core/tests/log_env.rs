//! `P100_LOG` is the default level of a client that sets none (its own process: the variable
//! is changed here without touching any other test).

use std::sync::Arc;

use p100::log::{AttemptOutcome, LogLevel, MemoryLogger};
use p100::Client;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer, logger: &Arc<MemoryLogger>) -> Client {
    Client::builder()
        .api_key("test-key-123")
        .base_url(server.uri())
        .logger(logger.clone())
        .build()
        .unwrap()
}

#[tokio::test]
async fn p100_log_turns_records_on_and_an_explicit_level_wins() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"fiatBalances": [], "cryptoBalances": []})),
        )
        .mount(&server)
        .await;

    std::env::remove_var("P100_LOG");
    let off = Arc::new(MemoryLogger::default());
    client(&server, &off).partner().balances().await.unwrap();
    assert!(off.records().is_empty(), "no P100_LOG: no records");

    std::env::set_var("P100_LOG", "debug");
    assert_eq!(LogLevel::from_env(), Some(LogLevel::Debug));
    let on = Arc::new(MemoryLogger::default());
    client(&server, &on).partner().balances().await.unwrap();
    let outcomes: Vec<_> = on.records().iter().map(|r| r.outcome).collect();
    assert_eq!(
        outcomes,
        [AttemptOutcome::Sending, AttemptOutcome::Succeeded]
    );
    assert!(on
        .records()
        .iter()
        .all(|r| !r.to_string().contains("test-key-123")));

    // A level given to the builder (here: off) beats the environment.
    let explicit = Arc::new(MemoryLogger::default());
    Client::builder()
        .api_key("test-key-123")
        .base_url(server.uri())
        .logger(explicit.clone())
        .log_level(None)
        .build()
        .unwrap()
        .partner()
        .balances()
        .await
        .unwrap();
    assert!(explicit.records().is_empty());

    std::env::set_var("P100_LOG", "warn");
    let warn = Arc::new(MemoryLogger::default());
    client(&server, &warn).partner().balances().await.unwrap();
    assert!(warn.records().is_empty(), "a success is below warn");
    std::env::remove_var("P100_LOG");
}

struct Failing;

impl p100::log::Logger for Failing {
    fn log(&self, _: &p100::log::LogRecord) {
        panic!("the app's logger failed");
    }
}

#[tokio::test]
async fn a_logger_that_fails_never_fails_the_call() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"transferId": "t1"})),
        )
        .mount(&server)
        .await;
    let c = Client::builder()
        .api_key("test-key-123")
        .base_url(server.uri())
        .log_level(Some(LogLevel::Debug))
        .logger(Arc::new(Failing))
        .build()
        .unwrap();
    let r = c
        .transfers()
        .create(&p100::models::TransferRequest::fund(
            "u1",
            p100::Amount::from(5),
            p100::Currency::Eur,
        ))
        .await
        .expect("the transfer happened: a failing logger must not hide it");
    assert_eq!(r.transfer_id, "t1");
}
