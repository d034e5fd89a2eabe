//! Environment proxies and loopback base URLs (its own test binary: it sets `HTTP(S)_PROXY`
//! for the whole process).
//!
//! A fake proxy on 127.0.0.1 records the first line of every request it receives. The API key
//! of a client whose base URL is this machine must never reach it; a client of a remote host
//! must still go through it (so the proxy variables are in effect in this process).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use p100::{Client, ErrorKind, RetryPolicy};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "proxy-test-key-0451";

/// A proxy that answers every request with 502 and remembers each request's first line and
/// whether the API key passed through it.
async fn fake_proxy() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let log = log.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                let mut first = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if line.is_empty() {
                        break;
                    }
                    if line
                        .to_ascii_lowercase()
                        .contains(&KEY.to_ascii_lowercase())
                    {
                        log.lock().unwrap().push("API KEY SEEN".into());
                    }
                    first.get_or_insert(line);
                }
                log.lock().unwrap().push(first.unwrap_or_default());
                let _ = write
                    .write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")
                    .await;
            });
        }
    });
    (url, seen)
}

fn client(base_url: &str) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(base_url)
        .timeout(Duration::from_secs(5))
        .retry_policy(RetryPolicy {
            max_retries: 0,
            initial_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(10),
        })
        .build()
        .unwrap()
}

#[tokio::test]
async fn environment_proxies_skip_loopback_base_urls_only() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/partner/balances"))
        .and(header("x-api-key", KEY))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"fiatBalances": [], "cryptoBalances": []})),
        )
        .mount(&server)
        .await;
    let (proxy, seen) = fake_proxy().await;
    for var in [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
    ] {
        std::env::set_var(var, &proxy);
    }
    for var in ["NO_PROXY", "no_proxy"] {
        std::env::remove_var(var);
    }

    // The sandbox-style base URLs: direct, the proxy sees nothing.
    let port = server.address().port();
    for base in [
        server.uri(),
        format!("http://localhost:{port}"),
        format!("http://LOCALHOST:{port}"),
    ] {
        let b = client(&base).partner().balances().await;
        assert!(b.is_ok(), "{base}: {b:?}");
    }
    assert_eq!(
        *seen.lock().unwrap(),
        Vec::<String>::new(),
        "the proxy saw a loopback call"
    );

    // A remote base URL still goes through the proxy (the variables are in effect): the proxy
    // gets the CONNECT of the tunnel (not the key, which travels inside TLS), answers 502, and
    // the call fails without a reply from P100.
    let err = client("https://api.p100.invalid")
        .partner()
        .balances()
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Network),
        "expected a network error, got {err:?}"
    );
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        vec!["CONNECT api.p100.invalid:443 HTTP/1.1".to_string()]
    );
}
