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
