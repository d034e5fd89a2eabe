//! Helpers shared by the tests against raw peers and odd replies (`raw_peer.rs`,
//! `review_outcomes.rs`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use p100::models::PartnerSepaTransferRequest;
use p100::{Amount, Client, Currency, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

pub fn retry() -> RetryPolicy {
    RetryPolicy {
        max_retries: 2,
        initial_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(20),
    }
}

pub fn client_at(url: &str, timeout: Duration) -> Client {
    Client::builder()
        .api_key("test-key")
        .base_url(url)
        .timeout(timeout)
        .retry_policy(retry())
        .build()
        .unwrap()
}

pub fn sepa() -> PartnerSepaTransferRequest {
    PartnerSepaTransferRequest {
        amount: Amount::parse("25.00").unwrap(),
        currency: Currency::Eur,
        destination_iban: "DE89370400440532013000".into(),
        transfer_title: "Invoice 2026-11".into(),
        ..Default::default()
    }
}

/// A raw TCP peer: reads the request, writes `reply`, then waits `hold` before closing (a
/// long `hold` keeps the body from ever finishing). Counts connections.
pub async fn peer(reply: Vec<u8>, hold: Duration) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            seen.fetch_add(1, Ordering::SeqCst);
            let reply = reply.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                let _ = tokio::time::timeout(Duration::from_millis(200), sock.read(&mut buf)).await;
                let _ = sock.write_all(&reply).await;
                let _ = sock.flush().await;
                tokio::time::sleep(hold).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    (url, count)
}
